import { InvalidAccessTokenError } from './errors.js'
import type { UserRecord } from './storage/types.js'
import type { UserService } from './users.js'

/**
 * The account an access token speaks for, for a route that reads it. A deleted or disabled
 * account gets exactly the reply of a revoked token (401 invalid_token, same message): disabling
 * ends the sessions, and this check holds where that has not reached yet (another instance before
 * its next sync, a disable whose session revocation failed, disabled_at set in the database by
 * hand). 401 rather than a 403 saying "disabled": a token's holder, perhaps not the account's
 * owner, learns nothing about the account, and a client reacts as to any ended session (its
 * refresh is refused too).
 */
export async function activeUser (users: Pick<UserService, 'findById'>, userId: string): Promise<UserRecord> {
  const user = await users.findById(userId)
  if (user === null || user.disabledAt !== null) throw new InvalidAccessTokenError()
  return user
}

import { InvalidAccessTokenError } from '../errors.js'
import type { Store, UserRecord } from '../storage/types.js'
import type { TokenService } from '../tokens.js'

export interface SteppedUpToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
}

/**
 * Raises a session after a second factor: 'otp' joins its methods (store.setSessionAmr), and an
 * access token of the same session carries them, so the caller reaches aal2 without logging out
 * and the session's refresh token refreshes at that level from now on. Access tokens issued
 * before keep their own, lower level until they expire.
 */
export async function stepUpSession ({ store, tokens }: { store: Store, tokens: TokenService }, user: UserRecord, sessionId: string): Promise<SteppedUpToken> {
  const session = await store.findSession(sessionId)
  if (session === null || session.revokedAt !== null || session.userId !== user.id) throw new InvalidAccessTokenError()
  const amr = session.amr.includes('otp') ? session.amr : [...session.amr, 'otp']
  if (!await store.setSessionAmr(sessionId, amr)) throw new InvalidAccessTokenError()
  const emailVerified = user.email !== null && user.emailVerifiedAt !== null
  return {
    access_token: tokens.issueAccessToken({ userId: user.id, sessionId, roles: user.roles, amr, emailVerified }),
    token_type: 'Bearer',
    expires_in: tokens.accessTokenTtl
  }
}

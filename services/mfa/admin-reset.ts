import { NotFoundError } from '../errors.js'
import type { SessionService } from '../sessions.js'
import type { Store } from '../storage/types.js'
import type { MfaFactorService } from './factors.js'
import { MFA_LOGIN_PURPOSE } from './login-challenge.js'

export interface MfaResetResult { username: string, totp: boolean, recoveryCodes: number, passkeys: number }

/**
 * An admin's way back for a user who lost every factor: the authenticator app, the recovery codes,
 * the passkeys and any pending login challenge go, and every session of the user ends (a session
 * that passed a factor the user no longer controls must not outlive it). Audited and, with a
 * mailer, told to the user (MfaFactorService.resetAll). The next login is with the password alone.
 */
export async function resetUserMfa ({ store, factors, sessions }: { store: Store, factors: MfaFactorService, sessions: SessionService }, actorId: string, userId: string): Promise<MfaResetResult> {
  const user = await store.findUserById(userId)
  if (user === null) throw new NotFoundError('User')
  await store.deleteOneTimeTokens(user.id, [MFA_LOGIN_PURPOSE])
  const removed = await factors.resetAll(actorId, user)
  await sessions.endAll(user.id)
  return { username: user.username, ...removed }
}

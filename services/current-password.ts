import type { AuditSink } from './audit.js'
import { ForbiddenError } from './errors.js'
import { LoginThrottledError, type LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password.js'
import { assertPasswordSize } from './password-policy.js'
import type { UserRecord } from './storage/types.js'

export type CurrentPasswordCheck = (user: Pick<UserRecord, 'id' | 'usernameNormalized' | 'passwordHash'>, typed: string, ip: string | undefined) => Promise<void>

/**
 * The check a sensitive change makes before it acts (a new password, a new email address, a new
 * passkey): the current password, under the login throttle (counted and locked like a login) and
 * audited as a failed login. One place, so the changes cannot drift apart on what they demand.
 * A wrong password answers 403 (the caller is logged in: 401 would read as an expired token).
 */
export function createCurrentPasswordCheck ({ password, throttle, audit }: { password: PasswordHasher, throttle: LoginThrottle, audit: AuditSink }): CurrentPasswordCheck {
  return async (user, typed, ip) => {
    assertPasswordSize(typed)
    const who = { userId: user.id, username: user.usernameNormalized, ip }
    try {
      await throttle.attempt({ username: user.usernameNormalized, ip: ip ?? 'unknown', userId: user.id }, async () => {
        if (await password.verify(user.passwordHash, typed)) return
        audit({ event: 'login_failure', ...who, reason: 'wrong_password' })
        throw new ForbiddenError('The current password is wrong', 'invalid_credentials')
      })
    } catch (error) {
      if (error instanceof LoginThrottledError) audit({ event: 'login_failure', ...who, reason: 'throttled' })
      throw error
    }
  }
}

import { discardAudit, type AuditSink } from './audit.js'
import { createCurrentPasswordCheck } from './current-password.js'
import { NotFoundError, SelfLockoutError } from './errors.js'
import type { PasswordHasher } from './password.js'
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js'
import { assertAcceptablePassword } from './password-policy.js'
import type { SessionService } from './sessions.js'
import type { SessionRecord, Store, UserRecord } from './storage/types.js'

export const ADMIN_ROLE = 'admin'

export interface UserPage { users: UserRecord[], next: string | null }

export interface AccountService {
  listUsers (query: { prefix?: string | undefined, after?: string | undefined, limit: number }): Promise<UserPage>
  getUser (id: string): Promise<UserRecord>
  /** Replaces the roles; the user's sessions end so new tokens carry the new roles. */
  setRoles (actorId: string, userId: string, roles: string[]): Promise<UserRecord>
  /** A disabled user cannot log in or refresh, and their sessions end at once. */
  setDisabled (actorId: string, userId: string, disabled: boolean): Promise<UserRecord>
  deleteUser (actorId: string, userId: string): Promise<void>
  /**
   * Refuses a weak new password before anything else (the reply must not tell whether the current
   * one was right), then checks the current password under the login throttle (counted and locked
   * like a login), stores the new one and ends every other session.
   */
  changePassword (userId: string, currentSessionId: string, current: string, next: string, client?: { ip?: string | undefined }): Promise<void>
  /** Forgets the account's failed logins, so every client may log in again at once (audited). */
  clearLoginFailures (actorId: string, userId: string): Promise<void>
  listSessions (userId: string): Promise<SessionRecord[]>
  /** Ends one of the user's own active sessions; 404 for anyone else's. */
  endSession (userId: string, sessionId: string): Promise<void>
}

export function createAccountService ({ store, sessions, password, now, audit = discardAudit, throttle = createLoginThrottle({ store, now, audit }) }: {
  store: Store
  sessions: SessionService
  password: PasswordHasher
  now: () => number
  audit?: AuditSink
  /** The user service's: one queue and one count per account for logins and password changes. */
  throttle?: LoginThrottle
}): AccountService {
  const verifyCurrentPassword = createCurrentPasswordCheck({ password, throttle, audit })

  async function getUser (id: string): Promise<UserRecord> {
    const user = await store.findUserById(id)
    if (user === null) throw new NotFoundError('User')
    return user
  }

  async function change (userId: string, changes: Parameters<Store['updateUser']>[1]): Promise<UserRecord> {
    if (!await store.updateUser(userId, changes)) throw new NotFoundError('User')
    return getUser(userId)
  }

  return {
    async listUsers ({ prefix, after, limit }) {
      const users = await store.listUsers({ prefix: prefix?.toLowerCase(), after, limit: limit + 1 })
      const page = users.slice(0, limit)
      return { users: page, next: users.length > limit ? (page.at(-1)?.usernameNormalized ?? null) : null }
    },

    getUser,

    async setRoles (actorId, userId, roles) {
      if (actorId === userId && !roles.includes(ADMIN_ROLE)) throw new SelfLockoutError('An admin cannot remove their own admin role')
      await getUser(userId)
      const user = await change(userId, { roles: [...new Set(roles)] })
      await sessions.endAll(userId)
      audit({ event: 'roles_changed', userId, actorId, roles: user.roles })
      return user
    },

    async setDisabled (actorId, userId, disabled) {
      if (actorId === userId && disabled) throw new SelfLockoutError('An admin cannot disable their own account')
      const user = await change(userId, { disabledAt: disabled ? new Date(now()) : null })
      if (disabled) await sessions.endAll(userId)
      audit({ event: disabled ? 'user_disabled' : 'user_enabled', userId, actorId })
      return user
    },

    async deleteUser (actorId, userId) {
      if (actorId === userId) throw new SelfLockoutError('An admin cannot delete their own account')
      await getUser(userId)
      await sessions.endAll(userId)
      if (!await store.deleteUser(userId)) throw new NotFoundError('User')
      audit({ event: 'user_deleted', userId, actorId })
    },

    async changePassword (userId, currentSessionId, current, next, client = {}) {
      const user = await getUser(userId)
      assertAcceptablePassword(next, user.username)
      await verifyCurrentPassword(user, current, client.ip)
      await change(userId, { passwordHash: await password.hash(next) })
      await sessions.endAll(userId, { except: currentSessionId })
      audit({ event: 'password_changed', userId, sessionId: currentSessionId })
    },

    async clearLoginFailures (actorId, userId) {
      const user = await getUser(userId)
      await throttle.clear(user.usernameNormalized)
      audit({ event: 'login_failures_cleared', userId, actorId })
    },

    listSessions: (userId) => store.listUserSessions(userId, new Date(now())),

    async endSession (userId, sessionId) {
      const session = await store.findSession(sessionId)
      if (session === null || session.userId !== userId || session.revokedAt !== null) throw new NotFoundError('Session')
      await sessions.end({ userId, sessionId })
    }
  }
}

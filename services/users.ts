import { newId } from './ids.js'
import { discardAudit, type AuditSink } from './audit.js'
import { AppError, InvalidCredentialsError } from './errors.js'
import { createLoginThrottle, LoginThrottledError, type LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password.js'
import { assertAcceptablePassword, assertPasswordSize } from './password-policy.js'
import type { Store, UserRecord } from './storage/types.js'
import { assertRegistrableUsername, canBeUsername, normalizeUsername } from './usernames.js'

export const DEFAULT_ROLES = ['user']

export interface Registration {
  username: string
  password: string
  email?: string | undefined
}

export interface UserService {
  /** Hashes the password and stores the user; DuplicateUserError when the name is taken, InvalidUsernameError for surrounding whitespace or control characters. */
  register (registration: Registration): Promise<UserRecord>
  /** Same error, same work for an unknown user and a wrong password; the name is normalised (normalizeUsername) first. */
  authenticate (username: string, password: string, client?: { ip?: string | undefined }): Promise<UserRecord>
  findById (id: string): Promise<UserRecord | null>
}

export { normalizeUsername } from './usernames.js'

export function createUserService ({ store, password, now, audit = discardAudit, throttle = createLoginThrottle({ store, now, audit }) }: {
  store: Store
  password: PasswordHasher
  now: () => number
  audit?: AuditSink
  /** Shared with the account service, whose password change counts failures like a login. */
  throttle?: LoginThrottle
}): UserService {
  return {
    async register ({ username, password: plain, email }) {
      assertRegistrableUsername(username)
      assertAcceptablePassword(plain, username)
      const user: UserRecord = {
        id: newId(),
        username,
        usernameNormalized: normalizeUsername(username),
        email: email ?? null,
        emailVerifiedAt: null,
        passwordHash: await password.hash(plain),
        roles: [...DEFAULT_ROLES],
        createdAt: new Date(now()),
        disabledAt: null
      }
      await store.createUser(user)
      audit({ event: 'register', userId: user.id, username })
      return user
    },

    async authenticate (typed, plain, client = {}) {
      assertPasswordSize(plain)
      const username = normalizeUsername(typed)
      const user = canBeUsername(username) ? await store.findUserByUsername(username) : null
      // Only an existing account is named in the audit: people type passwords into the username field.
      const who = user === null ? {} : { userId: user.id, username: user.usernameNormalized }
      try {
        return await throttle.attempt({ username, ip: client.ip ?? 'unknown', userId: user?.id }, async () => {
          const { matches, upgradedHash } = user === null ? { matches: await password.verifyDummy(plain), upgradedHash: null } : await password.verifyAndUpgrade(user.passwordHash, plain)
          if (user === null || !matches) {
            audit({ event: 'login_failure', ...who, reason: user === null ? 'unknown_user' : 'wrong_password', ip: client.ip })
            throw new InvalidCredentialsError()
          }
          if (user.disabledAt !== null) throw new AccountDisabledError()
          // A hash of the password as typed, from before passwords were NFKC-normalised: replaced.
          if (upgradedHash !== null) await store.updateUser(user.id, { passwordHash: upgradedHash })
          audit({ event: 'login_success', userId: user.id, ip: client.ip })
          return user
        })
      } catch (error) {
        if (error instanceof LoginThrottledError) audit({ event: 'login_failure', ...who, reason: 'throttled', ip: client.ip })
        throw error
      }
    },

    findById: (id) => store.findUserById(id)
  }
}

export class AccountDisabledError extends AppError {
  override name = 'AccountDisabledError'
  constructor () {
    super(403, 'account_disabled', 'This account is disabled')
  }
}

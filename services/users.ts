import { newId } from './ids.js'
import { discardAudit, type AuditSink } from './audit.js'
import { AppError, InvalidCredentialsError } from './errors.js'
import { createLoginThrottle, LoginThrottledError } from './login-throttle.js'
import type { PasswordHasher } from './password.js'
import { assertAcceptablePassword, assertPasswordSize } from './password-policy.js'
import type { Store, UserRecord } from './storage/types.js'

export const DEFAULT_ROLES = ['user']

export interface Registration {
  username: string
  password: string
  email?: string | undefined
}

export interface UserService {
  /** Hashes the password and stores the user; DuplicateUserError when the name is taken. */
  register (registration: Registration): Promise<UserRecord>
  /** Same error, same work for an unknown user and a wrong password. */
  authenticate (username: string, password: string, client?: { ip?: string | undefined }): Promise<UserRecord>
  findById (id: string): Promise<UserRecord | null>
}

/** Usernames are ASCII letters, digits and ._- (schema-checked); uniqueness ignores case. */
export function normalizeUsername (username: string): string {
  return username.normalize('NFKC').toLowerCase()
}

export function createUserService ({ store, password, now, audit = discardAudit }: {
  store: Store
  password: PasswordHasher
  now: () => number
  audit?: AuditSink
}): UserService {
  const throttle = createLoginThrottle({ store, now, audit, isCredentialFailure: (error) => error instanceof InvalidCredentialsError })
  return {
    async register ({ username, password: plain, email }) {
      assertAcceptablePassword(plain, username)
      const user: UserRecord = {
        id: newId(),
        username,
        usernameNormalized: normalizeUsername(username),
        email: email ?? null,
        passwordHash: await password.hash(plain),
        roles: [...DEFAULT_ROLES],
        createdAt: new Date(now()),
        disabledAt: null
      }
      await store.createUser(user)
      audit({ event: 'register', userId: user.id, username })
      return user
    },

    async authenticate (username, plain, client = {}) {
      assertPasswordSize(plain)
      const normalized = normalizeUsername(username)
      try {
        return await throttle.attempt(normalized, client.ip ?? 'unknown', async () => {
          const user = await store.findUserByUsername(normalized)
          const { matches, upgradedHash } = user === null ? { matches: await password.verifyDummy(plain), upgradedHash: null } : await password.verifyAndUpgrade(user.passwordHash, plain)
          if (user === null || !matches) {
            audit({ event: 'login_failure', username, reason: user === null ? 'unknown_user' : 'wrong_password', ip: client.ip })
            throw new InvalidCredentialsError()
          }
          if (user.disabledAt !== null) throw new AccountDisabledError()
          // A hash of the password as typed, from before passwords were NFKC-normalised: replaced.
          if (upgradedHash !== null) await store.updateUser(user.id, { passwordHash: upgradedHash })
          audit({ event: 'login_success', userId: user.id, ip: client.ip })
          return user
        })
      } catch (error) {
        if (error instanceof LoginThrottledError) audit({ event: 'login_failure', username, reason: 'throttled', ip: client.ip })
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

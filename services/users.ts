import { EmailNotVerifiedError } from './account-email-errors.js'
import { normalizeEmail } from './emails.js'
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

export function createUserService ({ store, password, now, audit = discardAudit, throttle = createLoginThrottle({ store, now, audit }), emailVerification = 'optional' }: {
  store: Store
  /** EMAIL_VERIFICATION: `required` refuses login (after the password checked out) until the address is verified. */
  emailVerification?: 'off' | 'optional' | 'required'
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
      if (emailVerification === 'required' && email === undefined) throw new EmailRequiredError()
      const user: UserRecord = {
        id: newId(),
        username,
        usernameNormalized: normalizeUsername(username),
        email: email === undefined ? null : normalizeEmail(email),
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
      let authenticated: UserRecord
      try {
        authenticated = await throttle.attempt({ username, ip: client.ip ?? 'unknown', userId: user?.id }, async () => {
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
      // Only after the password checked out: the refusal tells nothing to someone without it.
      if (emailVerification === 'required' && authenticated.emailVerifiedAt === null) throw new EmailNotVerifiedError()
      return authenticated
    },

    findById: (id) => store.findUserById(id)
  }
}

export class EmailRequiredError extends AppError {
  override name = 'EmailRequiredError'
  constructor () {
    super(400, 'email_required', 'An email address is required to register on this server (EMAIL_VERIFICATION=required)')
  }
}

export class AccountDisabledError extends AppError {
  override name = 'AccountDisabledError'
  constructor () {
    super(403, 'account_disabled', 'This account is disabled')
  }
}

import { randomUUID } from 'node:crypto'
import { discardAudit, type AuditSink } from './audit.js'
import { InvalidCredentialsError } from './errors.js'
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
  return {
    async register ({ username, password: plain, email }) {
      assertAcceptablePassword(plain, username)
      const user: UserRecord = {
        id: randomUUID(),
        username,
        usernameNormalized: normalizeUsername(username),
        email: email ?? null,
        passwordHash: await password.hash(plain),
        roles: [...DEFAULT_ROLES],
        createdAt: new Date(now())
      }
      await store.createUser(user)
      audit({ event: 'register', userId: user.id, username })
      return user
    },

    async authenticate (username, plain, client = {}) {
      assertPasswordSize(plain)
      const user = await store.findUserByUsername(normalizeUsername(username))
      const matches = user === null ? await password.verifyDummy(plain) : await password.verify(user.passwordHash, plain)
      if (user === null || !matches) {
        audit({ event: 'login_failure', username, reason: user === null ? 'unknown_user' : 'wrong_password', ip: client.ip })
        throw new InvalidCredentialsError()
      }
      audit({ event: 'login_success', userId: user.id, ip: client.ip })
      return user
    },

    findById: (id) => store.findUserById(id)
  }
}

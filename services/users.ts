import { randomUUID } from 'node:crypto'
import { InvalidCredentialsError } from './errors.js'
import type { PasswordHasher } from './password.js'
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
  authenticate (username: string, password: string): Promise<UserRecord>
  findById (id: string): Promise<UserRecord | null>
}

/** Usernames are ASCII letters, digits and ._- (schema-checked); uniqueness ignores case. */
export function normalizeUsername (username: string): string {
  return username.normalize('NFKC').toLowerCase()
}

export function createUserService ({ store, password, now }: {
  store: Store
  password: PasswordHasher
  now: () => number
}): UserService {
  return {
    async register ({ username, password: plain, email }) {
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
      return user
    },

    async authenticate (username, plain) {
      const user = await store.findUserByUsername(normalizeUsername(username))
      if (user === null) {
        await password.verifyDummy(plain)
        throw new InvalidCredentialsError()
      }
      if (!await password.verify(user.passwordHash, plain)) throw new InvalidCredentialsError()
      return user
    },

    findById: (id) => store.findUserById(id)
  }
}

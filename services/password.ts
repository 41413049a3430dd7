import { randomBytes } from 'node:crypto'
import argon2 from 'argon2'

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export interface PasswordHasher {
  hash (password: string): Promise<string>
  /** Verifies against a stored hash; a malformed hash counts as a mismatch. */
  verify (hash: string, password: string): Promise<boolean>
  /** Spends the same work as a real verify and returns false: used for unknown users. */
  verifyDummy (password: string): Promise<false>
}

export async function createPasswordHasher (params: typeof OWASP_ARGON2ID = OWASP_ARGON2ID): Promise<PasswordHasher> {
  const options = { ...params, type: argon2.argon2id as typeof argon2.argon2id & 2 }
  const hash = (password: string) => argon2.hash(password, options)
  const dummyHash = await hash(randomBytes(32).toString('base64'))

  async function verify (stored: string, password: string): Promise<boolean> {
    if (!stored.startsWith('$argon2id$')) return false
    return argon2.verify(stored, password)
  }

  return {
    hash,
    verify,
    async verifyDummy (password) {
      await verify(dummyHash, password)
      return false
    }
  }
}

import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { availableParallelism, getPriority, setPriority } from 'node:os'
import argon2 from '@node-rs/argon2'
import { createHashQueue } from './hash-queue.js'

export { HashingOverloadedError } from './hash-queue.js'

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/**
 * `Algorithm.Argon2id` of @node-rs/argon2: an ambient const enum, which a file compiled on its own
 * (isolatedModules, tap's loader) cannot read, hence the number.
 */
const ARGON2ID = 2

/** How much lower the threads that hash run than the event loop (Linux nice values). */
export const HASHING_THREAD_NICENESS = 10

/** Hashes waiting for a core beyond this many per core answer 503 overloaded (PASSWORD_HASH_QUEUE_MAX). */
export const DEFAULT_QUEUED_HASHES_PER_CORE = 32

/** The form a password is hashed in: NFKC, so "ﬁ" and "fi", or a full-width and a plain "A", are one password. */
export const normalizePassword = (password: string) => password.normalize('NFKC')

export interface PasswordHasher {
  /** Hashes the password's NFKC form. */
  hash (password: string): Promise<string>
  /**
   * Verifies against a stored hash; a malformed hash counts as a mismatch. The NFKC form is
   * tried first, then the password as typed (hashes stored before passwords were normalised).
   */
  verify (hash: string, password: string): Promise<boolean>
  /** verify, and when only the password as typed matched, a new hash of its NFKC form to store. */
  verifyAndUpgrade (hash: string, password: string): Promise<{ matches: boolean, upgradedHash: string | null }>
  /** Spends the same work as a real verify and returns false: used for unknown users. */
  verifyDummy (password: string): Promise<false>
}

/**
 * Linux keeps a nice value per thread: run every thread of this process but the main one (the
 * event loop) `niceness` steps below it, i.e. libuv's pool threads, where argon2 runs, and V8's
 * helper threads. Without it, each running hash takes as big a share of a saturated core as the
 * event loop, and every request waits behind it. Best effort: elsewhere, or if not allowed,
 * nothing changes. Returns how many threads it lowered.
 */
export function lowerHashingThreadPriority (niceness = HASHING_THREAD_NICENESS): number {
  if (process.platform !== 'linux') return 0
  let nice: number
  try {
    nice = Math.min(19, getPriority(process.pid) + niceness)
  } catch {
    return 0
  }
  let lowered = 0
  let threads: string[]
  try {
    threads = readdirSync('/proc/self/task')
  } catch {
    return 0
  }
  for (const thread of threads) {
    const id = Number(thread)
    if (id === process.pid) continue
    try {
      if (getPriority(id) < nice) {
        setPriority(id, nice)
        lowered++
      }
    } catch {
      // the thread ended meanwhile, or the system refuses: it keeps its priority
    }
  }
  return lowered
}

export interface HasherLimits {
  /** Hashes at once (default: the cores this process may use). */
  parallelism?: number
  /** Hashes waiting beyond those (default: DEFAULT_QUEUED_HASHES_PER_CORE per core). */
  maxQueued?: number
}

export async function createPasswordHasher (params: typeof OWASP_ARGON2ID = OWASP_ARGON2ID, limits: HasherLimits = {}): Promise<PasswordHasher> {
  const options = { ...params, algorithm: ARGON2ID }
  const parallelism = limits.parallelism ?? availableParallelism()
  const limit = createHashQueue(parallelism, limits.maxQueued ?? parallelism * DEFAULT_QUEUED_HASHES_PER_CORE)
  const hash = (password: string) => limit(() => argon2.hash(normalizePassword(password), options))
  const dummyHash = await hash(randomBytes(32).toString('base64'))
  // libuv starts all its pool threads at its first job, so they exist by now.
  lowerHashingThreadPriority()

  async function verifyExactly (stored: string, password: string): Promise<boolean> {
    if (!stored.startsWith('$argon2id$')) return false
    try {
      return await limit(() => argon2.verify(stored, password))
    } catch (error) {
      // A stored string the library cannot decode ("Decoding failed") is no valid hash.
      if ((error as { code?: unknown }).code === 'InvalidArg') return false
      throw error
    }
  }

  async function verifyAndUpgrade (stored: string, password: string) {
    const normalized = normalizePassword(password)
    if (await verifyExactly(stored, normalized)) return { matches: true, upgradedHash: null }
    // Only a password NFKC changes can have an older hash of its typed form.
    if (normalized === password || !await verifyExactly(stored, password)) return { matches: false, upgradedHash: null }
    return { matches: true, upgradedHash: await hash(password) }
  }

  return {
    hash,
    verify: async (stored, password) => (await verifyAndUpgrade(stored, password)).matches,
    verifyAndUpgrade,
    async verifyDummy (password) {
      // The same one or two verifications as a real user's wrong password.
      await verifyAndUpgrade(dummyHash, password)
      return false
    }
  }
}

import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { availableParallelism, getPriority, setPriority } from 'node:os'
import argon2 from '@node-rs/argon2'

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

/**
 * `Algorithm.Argon2id` of @node-rs/argon2: an ambient const enum, which a file compiled on its own
 * (isolatedModules, tap's loader) cannot read, hence the number.
 */
const ARGON2ID = 2

/** How much lower the threads that hash run than the event loop (Linux nice values). */
export const HASHING_THREAD_NICENESS = 10

export interface PasswordHasher {
  hash (password: string): Promise<string>
  /** Verifies against a stored hash; a malformed hash counts as a mismatch. */
  verify (hash: string, password: string): Promise<boolean>
  /** Spends the same work as a real verify and returns false: used for unknown users. */
  verifyDummy (password: string): Promise<false>
}

/**
 * At most `limit` operations at once (one per core this process may use), the others wait in
 * arrival order. argon2 is CPU-bound: more hashes at once than cores add no throughput, only
 * 19 MiB each, and they hold libuv's pool threads (shared with fs, dns.lookup, zlib) meanwhile.
 */
function createLimiter (limit: number) {
  let running = 0
  const waiting: (() => void)[] = []
  return async function run<T> (task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running--
      else next() // the slot passes straight to the next in line
    }
  }
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

export async function createPasswordHasher (params: typeof OWASP_ARGON2ID = OWASP_ARGON2ID): Promise<PasswordHasher> {
  const options = { ...params, algorithm: ARGON2ID }
  const limit = createLimiter(availableParallelism())
  const hash = (password: string) => limit(() => argon2.hash(password, options))
  const dummyHash = await hash(randomBytes(32).toString('base64'))
  // libuv starts all its pool threads at its first job, so they exist by now.
  lowerHashingThreadPriority()

  async function verify (stored: string, password: string): Promise<boolean> {
    if (!stored.startsWith('$argon2id$')) return false
    try {
      return await limit(() => argon2.verify(stored, password))
    } catch (error) {
      // A stored string the library cannot decode ("Decoding failed") is no valid hash.
      if ((error as { code?: unknown }).code === 'InvalidArg') return false
      throw error
    }
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

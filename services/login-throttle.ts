import type { AuditSink } from './audit.js'
import { AppError } from './errors.js'
import { sha256Hex } from './sha256.js'
import type { LoginFailure, Store } from './storage/types.js'

/** Failures allowed per username and client IP before the back-off starts. */
export const FREE_FAILURES_PER_IP = 5
/** The looser ceiling per username across all IPs, so one attacker cannot lock a user out everywhere. */
export const FREE_FAILURES_PER_USERNAME = 50
export const MAX_BACKOFF_MS = 15 * 60 * 1000
/** A failure is forgotten this long after the last one. */
const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000

export class LoginThrottledError extends AppError {
  override name = 'LoginThrottledError'
  readonly retryAfterSeconds: number
  constructor (retryAfterSeconds: number) {
    super(429, 'login_throttled', `Too many failed logins, retry in ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** 0 below the free failures, then 1 s, 2 s, 4 s ... doubling with each failure, capped at 15 min. */
export function backoffMs (failures: number, free: number): number {
  if (failures < free) return 0
  return Math.min(1000 * 2 ** Math.min(failures - free, 30), MAX_BACKOFF_MS)
}

export interface LoginThrottle {
  /** Runs one login attempt for a normalised username: refused while locked, counted when it fails. */
  attempt<T> (usernameNormalized: string, ip: string, verify: () => Promise<T>): Promise<T>
}

type FailureStore = Pick<Store, 'recordLoginFailures' | 'getLoginFailures' | 'clearLoginFailures'>

/**
 * Per-account login throttling, counted in storage so it holds across instances. Keys are hashes
 * of the normalised username (with and without the client IP): unknown usernames are counted and
 * locked exactly like existing ones, and no raw username or IP is stored. Attempts for one
 * username run one at a time per process, so a burst cannot slip past the count.
 */
export function createLoginThrottle ({ store, now, audit, isCredentialFailure }: {
  store: FailureStore
  now: () => number
  audit: AuditSink
  isCredentialFailure: (error: unknown) => boolean
}): LoginThrottle {
  const queues = new Map<string, Promise<unknown>>()
  const policies = [FREE_FAILURES_PER_IP, FREE_FAILURES_PER_USERNAME]

  function keysFor (normalized: string, ip: string): string[] {
    return [sha256Hex(`ip-user\u0000${ip}\u0000${normalized}`), sha256Hex(`user\u0000${normalized}`)]
  }

  function lockedFor (records: Array<LoginFailure | null>, at: number): number {
    let until = 0
    records.forEach((record, i) => {
      if (record !== null) until = Math.max(until, record.lastFailureAt.getTime() + backoffMs(record.count, policies[i] as number))
    })
    return until - at
  }

  async function run<T> (username: string, ip: string, verify: () => Promise<T>): Promise<T> {
    const keys = keysFor(username, ip)
    const waitMs = lockedFor(await store.getLoginFailures(keys, new Date(now())), now())
    if (waitMs > 0) throw new LoginThrottledError(Math.ceil(waitMs / 1000))
    try {
      const result = await verify()
      await store.clearLoginFailures(keys)
      return result
    } catch (error) {
      if (isCredentialFailure(error)) {
        const at = new Date(now())
        const counts = await store.recordLoginFailures(keys, at, new Date(at.getTime() + FAILURE_MEMORY_MS))
        if (counts.some((count, i) => count === policies[i])) audit({ event: 'lockout', username, ip, retryAfterSeconds: 1 })
      }
      throw error
    }
  }

  return {
    attempt (username, ip, verify) {
      const queueKey = username
      const previous = queues.get(queueKey) ?? Promise.resolve()
      const current = previous.then(() => run(username, ip, verify), () => run(username, ip, verify))
      const settled: Promise<void> = current.then(forget, forget)
      queues.set(queueKey, settled)
      return current

      function forget (): void {
        // Runs once this attempt is over: drop the queue entry unless a later attempt replaced it.
        if (queues.get(queueKey) === settled) queues.delete(queueKey)
      }
    }
  }
}

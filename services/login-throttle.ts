import type { AuditSink } from './audit.js'
import { clientKey } from './client-key.js'
import { AppError } from './errors.js'
import { sha256Hex } from './sha256.js'
import type { LoginFailure, Store } from './storage/types.js'

/** Failures allowed per account and client (IPv4 address or IPv6 /64) before the back-off starts. */
export const FREE_FAILURES_PER_CLIENT = 5
/** Failures allowed per account across all clients before the back-off starts for clients it does not know. */
export const FREE_FAILURES_PER_USERNAME = 50
export const MAX_BACKOFF_MS = 15 * 60 * 1000
/** A failure is forgotten this long after it happened. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000
/** A client that logged in to an account stays known to it this long after its last (recorded) success. */
export const KNOWN_CLIENT_MS = 30 * 24 * 60 * 60 * 1000
/** An unlock is remembered this long (at least FAILURE_MEMORY_MS: see clientKeys). */
const UNLOCK_MEMORY_MS = 30 * 24 * 60 * 60 * 1000
/** A known client's success is recorded again at most this often (each record is one stored row). */
const KNOWN_CLIENT_REFRESH_MS = 24 * 60 * 60 * 1000

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

/** One password check against one account: its normalised username, the client, and who the audit may name. */
export interface ThrottledCheck {
  username: string
  ip: string
  /** The account's id when it exists; unknown usernames are never written to the audit. */
  userId?: string | undefined
}

export interface LoginThrottle {
  /** Runs one password check: refused while locked, counted when it fails. */
  attempt<T> (check: ThrottledCheck, verify: () => Promise<T>): Promise<T>
  /** Forgets an account's failures (an admin's unlock): every client may try again at once. */
  clear (username: string): Promise<void>
}

type FailureStore = Pick<Store, 'recordLoginFailures' | 'getLoginFailures' | 'clearLoginFailures'>

/** The stored keys of one account: hashes, so no username is stored. */
function accountKeys (username: string) {
  return { perUsername: sha256Hex(`user\u0000${username}`), unlocked: sha256Hex(`unlock\u0000${username}`) }
}

/**
 * The stored keys of one account and client. `epoch` is the time of the account's last unlock:
 * an unlock moves every client to fresh keys (the old ones cannot be listed to clear them, and
 * expire unread). The unlock record outlives FAILURE_MEMORY_MS, so when the epoch falls back to 0
 * every failure counted under epoch 0 before the unlock has expired too. knownClient holds the
 * client's successes, recorded through the same store methods as failures (events per key).
 */
function clientKeys (username: string, ip: string, epoch: number) {
  const client = clientKey(ip)
  return {
    perClient: sha256Hex(`ip-user\u0000${client}\u0000${username}\u0000${epoch}`),
    knownClient: sha256Hex(`known\u0000${client}\u0000${username}`)
  }
}

/** A wrong password: a wrong login (401) or a wrong current password on a password change (403). */
const isCredentialFailure = (error: unknown) => error instanceof AppError && error.code === 'invalid_credentials'

const lockedUntil = (record: LoginFailure | null, free: number) =>
  record === null ? 0 : record.lastFailureAt.getTime() + backoffMs(record.count, free)

/**
 * Per-account login throttling, counted in storage so it holds across instances.
 *
 * Each client (clientKey) has its own budget per account. The account's ceiling across clients
 * binds only clients the account does not know: a client that logged in to it successfully within
 * KNOWN_CLIENT_MS is exempt, so failures spread over many addresses cannot lock the owner out of
 * the devices they use. A success clears its client's budget only: the ceiling is forgotten
 * failure by failure, so the owner's logins do not hand a distributed attacker fresh guesses.
 * Unknown usernames are counted and locked exactly like existing ones. Attempts for one username
 * run one at a time per process, so a burst cannot slip past the count.
 */
export function createLoginThrottle ({ store, now, audit }: {
  store: FailureStore
  now: () => number
  audit: AuditSink
}): LoginThrottle {
  const queues = new Map<string, Promise<unknown>>()

  async function run<T> ({ username, ip, userId }: ThrottledCheck, verify: () => Promise<T>): Promise<T> {
    const at = now()
    const ofAccount = accountKeys(username)
    const [ceiling = null, unlocked = null] = await store.getLoginFailures([ofAccount.perUsername, ofAccount.unlocked], new Date(at))
    const keys = { ...ofAccount, ...clientKeys(username, ip, unlocked?.lastFailureAt.getTime() ?? 0) }
    const [client = null, known = null] = await store.getLoginFailures([keys.perClient, keys.knownClient], new Date(at))
    const until = Math.max(
      lockedUntil(client, FREE_FAILURES_PER_CLIENT),
      known === null ? lockedUntil(ceiling, FREE_FAILURES_PER_USERNAME) : 0)
    if (until > at) throw new LoginThrottledError(Math.ceil((until - at) / 1000))
    try {
      const result = await verify()
      if (client !== null) await store.clearLoginFailures([keys.perClient])
      if (known === null || at - known.lastFailureAt.getTime() > KNOWN_CLIENT_REFRESH_MS) {
        await store.recordLoginFailures([keys.knownClient], new Date(at), new Date(at + KNOWN_CLIENT_MS))
      }
      return result
    } catch (error) {
      if (isCredentialFailure(error)) {
        const failedAt = new Date(now())
        const [perClient, perUsername] = await store.recordLoginFailures(
          [keys.perClient, keys.perUsername], failedAt, new Date(failedAt.getTime() + FAILURE_MEMORY_MS))
        if (perClient === FREE_FAILURES_PER_CLIENT || perUsername === FREE_FAILURES_PER_USERNAME) {
          audit({ event: 'lockout', userId, ip, retryAfterSeconds: 1 })
        }
      }
      throw error
    }
  }

  return {
    attempt (check, verify) {
      const queueKey = check.username
      const previous = queues.get(queueKey) ?? Promise.resolve()
      const current = previous.then(() => run(check, verify), () => run(check, verify))
      const settled: Promise<void> = current.then(forget, forget)
      queues.set(queueKey, settled)
      return current

      function forget (): void {
        // Runs once this attempt is over: drop the queue entry unless a later attempt replaced it.
        if (queues.get(queueKey) === settled) queues.delete(queueKey)
      }
    },

    async clear (username) {
      const keys = accountKeys(username)
      const at = now()
      await store.clearLoginFailures([keys.perUsername])
      // Starts a new epoch of per-client keys (clientKeys).
      await store.recordLoginFailures([keys.unlocked], new Date(at), new Date(at + UNLOCK_MEMORY_MS))
    }
  }
}

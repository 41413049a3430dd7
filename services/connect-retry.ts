import { setTimeout as delay } from 'node:timers/promises'
import { errorCode, isNotUpYet, StorageUnreachableError } from './startup-failure.js'

export interface RetryOptions {
  /** How long to keep trying (STORAGE_CONNECT_TIMEOUT_MS); 0 makes one attempt. */
  timeoutMs: number
  /** Called before each wait with the attempt that failed and the wait to come. */
  onRetry (attempt: number, code: string | undefined, waitMs: number): void
  now?: () => number
}

const FIRST_WAIT_MS = 250
const LONGEST_WAIT_MS = 5000

/**
 * Runs `connect` until it succeeds. An error that says the database is not up yet (refused, no
 * such host yet, timed out) is retried with doubling waits until timeoutMs has passed, then
 * becomes a StorageUnreachableError; any other error (a wrong password) is thrown at once.
 */
export async function connectWithRetry<T> (connect: () => Promise<T>, { timeoutMs, onRetry, now = Date.now }: RetryOptions): Promise<T> {
  const started = now()
  for (let attempt = 1, wait = FIRST_WAIT_MS; ; attempt++, wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    try {
      return await connect()
    } catch (error) {
      if (!isNotUpYet(error)) throw error
      const left = started + timeoutMs - now()
      if (left <= 0) throw new StorageUnreachableError(attempt, now() - started, { cause: error })
      const waitMs = Math.min(wait, left)
      onRetry(attempt, errorCode(error), waitMs)
      await delay(waitMs)
    }
  }
}

import { StorageTimeoutError, withDeadline } from './deadline.js'
import { toDomainError } from './errors.js'
import { isMongoOutage } from './mongodb-errors.js'

/** Driver options for the calls of one operation. */
export interface CallOptions {
  /** For reads (find, findOne): the server-side limit and the operation's abort signal. */
  read: { maxTimeMS: number, signal: AbortSignal }
  /** For writes, which take no signal: throws instead once the deadline has passed. */
  write (): { maxTimeMS: number }
}

export type MongoRunner = <T>(work: (call: CallOptions) => Promise<T>) => Promise<T>

/**
 * Every operation gets `timeoutMs` in all. At expiry the caller gets StorageUnavailableError at
 * once and the operation's signal aborts: a read in flight stops (the driver closes a socket
 * caught mid-reply) and the next write does not start, so a timed-out operation never goes on
 * writing after its caller got the 503. Errors leave as domain errors only.
 */
export function createMongoRunner (timeoutMs: number): MongoRunner {
  const writeOptions = { maxTimeMS: timeoutMs }
  return async (work) => {
    const controller = new AbortController()
    const { signal } = controller
    const call: CallOptions = {
      read: { maxTimeMS: timeoutMs, signal },
      write: () => {
        signal.throwIfAborted()
        return writeOptions
      }
    }
    try {
      return await withDeadline(work(call), timeoutMs, () => controller.abort(new StorageTimeoutError('operation deadline passed')))
    } catch (error) {
      throw toDomainError(error, isMongoOutage)
    }
  }
}

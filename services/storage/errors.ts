import { AppError, StorageUnavailableError } from '../errors.js'
import { StorageTimeoutError } from './deadline.js'

/**
 * A driver error that is not an outage: a bug or a schema problem (missing table, bad SQL).
 * Answered as a plain 500 (the error handler hides the message); the driver error stays in
 * `cause` for the log.
 */
export class StorageError extends AppError {
  override name = 'StorageError'
  constructor (cause: unknown) {
    super(500, 'storage_error', 'Storage operation failed', { cause })
  }
}

/**
 * Turns whatever an adapter operation threw into a domain error: domain errors pass through,
 * timeouts and errors `isOutage` recognises become StorageUnavailableError (503), the rest
 * StorageError (500). No driver error ever reaches the HTTP layer.
 */
export function toDomainError (error: unknown, isOutage: (error: unknown) => boolean): AppError {
  if (error instanceof AppError) return error
  if (error instanceof StorageTimeoutError || isOutage(error)) return new StorageUnavailableError(error)
  return new StorageError(error)
}

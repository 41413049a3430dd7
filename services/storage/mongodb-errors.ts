import { MongoBulkWriteError, MongoError, MongoNetworkError, MongoServerError } from 'mongodb'

/** DuplicateKey: a unique index refused the write. */
export const DUPLICATE_KEY = 11000

/** Driver errors (by class name: some classes are not exported) that mean "cannot reach a server". */
const OUTAGE_ERROR_NAMES = new Set([
  'MongoServerSelectionError', // nothing answered within serverSelectionTimeoutMS
  'MongoTopologyClosedError',
  'MongoServerClosedError', // the selected server was closed (removed from the topology, or client closing) before the command
  'MongoNotConnectedError',
  'MongoClientClosedError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError', // pool exhausted for waitQueueTimeoutMS
  'MongoOperationTimeoutError'
])

/** Server codes of a busy, restarting or failing-over deployment (the driver's retryable set, plus time limits). */
const TRANSIENT_SERVER_CODES = new Set([
  6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436, 262, // HostUnreachable ... ExceededTimeLimit
  50, // MaxTimeMSExpired: our maxTimeMS passed on the server
  112, // WriteConflict
  24 // LockTimeout
])

/**
 * True when MongoDB cannot be reached or cannot serve right now. MongoNetworkError covers
 * MongoNetworkTimeoutError (socketTimeoutMS) and a cleared pool.
 */
export function isMongoOutage (error: unknown): boolean {
  if (error instanceof MongoNetworkError) return true
  // insertMany and bulkWrite rethrow a batch's non-server failure (reset socket, cleared pool, failed
  // server selection) as a MongoBulkWriteError whose errorResponse is that error; a server error's
  // code and labels are copied onto the wrapper instead, and errorResponse is then a plain document.
  if (error instanceof MongoBulkWriteError && error.errorResponse instanceof Error) return isMongoOutage(error.errorResponse)
  if (!(error instanceof MongoError)) return false
  if (OUTAGE_ERROR_NAMES.has(error.name)) return true
  if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('TransientTransactionError')) return true
  return error instanceof MongoServerError && typeof error.code === 'number' && TRANSIENT_SERVER_CODES.has(error.code)
}

export function isDuplicateKey (error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY
}

/** An unordered insertMany whose only failures are duplicate keys (the other documents went in). */
export function isOnlyDuplicateKeys (error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false
  const errors = error.writeErrors
  const list = Array.isArray(errors) ? errors : [errors]
  return list.length > 0 && list.every((writeError) => writeError.code === DUPLICATE_KEY)
}

/**
 * A unique index refused an update. MongoDB says DuplicateKey (11000) as for an insert; FerretDB
 * 1.24 (SQLite backend) answers an update that breaks a unique index with InternalError (code 1)
 * carrying its backend's message ("UNIQUE constraint failed"; "duplicate key value" on PostgreSQL).
 */
export function isDuplicateKeyOnUpdate (error: unknown): boolean {
  if (isDuplicateKey(error)) return true
  return error instanceof MongoServerError && error.code === 1 && /UNIQUE constraint failed|duplicate key value/.test(error.message)
}

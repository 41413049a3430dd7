/** ER_DUP_ENTRY: a unique key is taken. */
export const ER_DUP_ENTRY = 1062

/**
 * Server errors that mean "busy, restarting or failing over, try again": by number, because
 * mysql2 names only MySQL's codes and MariaDB adds its own (1927, 1969).
 */
const TRANSIENT_SERVER_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1041, // ER_OUT_OF_RESOURCES
  1045, // ER_ACCESS_DENIED_ERROR: credentials rotated under a running server
  1053, // ER_SERVER_SHUTDOWN
  1129, // ER_HOST_IS_BLOCKED
  1158, 1159, 1160, 1161, // ER_NET_READ_ERROR ... ER_NET_WRITE_INTERRUPTED
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1290, // ER_OPTION_PREVENTS_STATEMENT (read-only during a failover)
  1317, // ER_QUERY_INTERRUPTED
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836, // ER_READ_ONLY_MODE
  1927, // MariaDB ER_CONNECTION_KILLED
  1969, // MariaDB ER_STATEMENT_TIMEOUT (max_statement_time)
  3024, // MySQL ER_QUERY_TIMEOUT (max_execution_time)
  4031 // MySQL ER_CLIENT_INTERACTION_TIMEOUT
])

/** mysql2's own pool errors carry no code, only these messages. */
const POOL_MESSAGES = /^(Pool is closed|Queue limit reached|No connections available)/

interface DriverError { errno?: unknown, sqlState?: unknown, code?: unknown, fatal?: unknown, message?: unknown }

/** True for an error the server sent in reply to a statement (the connection is still usable). */
export function isServerError (error: unknown): error is Error & { errno: number, sqlState: string } {
  const e = error as DriverError | null
  return error instanceof Error && typeof e?.errno === 'number' && typeof e.sqlState === 'string'
}

/**
 * True when MySQL/MariaDB cannot be reached or cannot serve right now: network and protocol
 * errors (ECONNREFUSED, ETIMEDOUT, PROTOCOL_CONNECTION_LOST, every error mysql2 marks `fatal`),
 * pool exhaustion or shutdown, and the transient server errors above.
 */
export function isMysqlOutage (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (isServerError(error)) return TRANSIENT_SERVER_ERRNOS.has(error.errno)
  const e = error as DriverError
  // Node's own ERR_* codes mean a bug (a bad argument), not an outage.
  const networkCode = typeof e.code === 'string' && !e.code.startsWith('ERR_')
  return e.fatal === true || networkCode || POOL_MESSAGES.test(error.message)
}

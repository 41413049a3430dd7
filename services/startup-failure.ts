import { ConfigError } from './config.js'
import { parseStorageUrl } from './storage/url.js'

/** Storage that stayed unreachable for STORAGE_CONNECT_TIMEOUT_MS; `cause` is the last attempt's error. */
export class StorageUnreachableError extends Error {
  override name = 'StorageUnreachableError'
  constructor (readonly attempts: number, readonly waitedMs: number, options: { cause: unknown }) {
    super(`storage unreachable after ${attempts} attempt(s)`, options)
  }
}

interface DriverError { code?: unknown, message?: unknown, cause?: unknown }

/** The error code of a driver error or of the network error behind it (MongoDB wraps it in `cause`). */
export function errorCode (error: unknown): string | undefined {
  let current = error as DriverError | undefined
  for (let depth = 0; current != null && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code
    const message = String(current.message)
    if (current.code === 18 || /Authentication failed/i.test(message)) return 'AUTHENTICATION_FAILED'
    const network = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)\b/.exec(message)
    if (network !== null) return network[1]
    current = current.cause as DriverError | undefined
  }
  return undefined
}

/** A database that may simply not be up yet (a container started before its database). */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST',
  // PostgreSQL still starting up, or shutting down for a restart.
  '57P03', '57P01'])

export function isNotUpYet (error: unknown): boolean {
  const code = errorCode(error)
  return code !== undefined && NOT_UP_YET.has(code)
}

function storageTarget (url: string): { shown: string, database: string } {
  try {
    const target: object = parseStorageUrl(url)
    // Whatever the adapter: credentials only ever in their redacted form.
    return {
      shown: 'redacted' in target ? String(target.redacted) : url.replace(/\/\/[^/@]*@/, '//***:***@'),
      database: 'database' in target ? String(target.database) : ''
    }
  } catch {
    return { shown: '(unparsable, not shown)', database: '' }
  }
}

/**
 * The one line after "Refusing to start: " for anything that stops the server before it listens:
 * the variable to change, what was tried, how to fix it. Credentials never appear (the storage
 * URL is shown redacted); the driver's own message is kept when it says something more.
 */
export function describeStartupFailure (error: unknown, env: { STORAGE_URL: string, HOST: string, PORT: number }): string {
  if (error instanceof ConfigError) return error.message
  const { shown, database } = storageTarget(env.STORAGE_URL)
  const storage = `STORAGE_URL=${shown}`
  const code = errorCode(error)
  if (error instanceof StorageUnreachableError) {
    return `${storage}: no database answered (${code ?? 'no reply'}) in ${error.attempts} attempt(s) over ${Math.round(error.waitedMs / 1000)} s: start the database, or fix the host and port in STORAGE_URL (STORAGE_CONNECT_TIMEOUT_MS sets how long to wait)`
  }
  // MySQL/MariaDB error names, PostgreSQL SQLSTATEs (28P01 wrong password, 28000 no such role or
  // no pg_hba.conf entry, 3D000 no such database, 42501 no privilege), MongoDB's code 18.
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'AUTHENTICATION_FAILED' || code === '28P01' || code === '28000') {
    return `${storage}: the database refused the user name or password: fix the credentials in STORAGE_URL (user:password@host, special characters percent-encoded)`
  }
  if (code === 'ER_DBACCESS_DENIED_ERROR' || code === '42501') {
    return `${storage}: the user may not use database ${database}: grant it (GRANT ALL ON ${database}.* TO 'user'@'%') or change the database in STORAGE_URL`
  }
  if (code === 'ER_BAD_DB_ERROR' || code === '3D000') {
    return `${storage}: database ${database} does not exist: create it: CREATE DATABASE ${database}`
  }
  if (code === 'EADDRINUSE') return `PORT=${env.PORT}: ${env.HOST}:${env.PORT} is already in use: stop the other server or set PORT to a free port`
  if (code === 'EADDRNOTAVAIL') return `HOST=${env.HOST}: not an address of this machine: set HOST to one of its addresses (0.0.0.0 for all)`
  if (code === 'EACCES' && env.PORT < 1024) return `PORT=${env.PORT}: ports below 1024 need privileges: set PORT to 1024 or above (3000 by default)`
  const message = error instanceof Error ? error.message : String(error)
  return `${message.split('\n')[0] ?? 'unknown error'} (LOG_LEVEL=debug prints the stack)`
}

import { isAbsolute, resolve } from 'node:path'
import { ConfigError } from '../config.js'

export type StorageTarget =
  | { kind: 'memory' }
  | { kind: 'sqlite', path: string, redacted: string }
  | { kind: 'mysql', url: string, database: string, redacted: string }
  | { kind: 'postgres', url: string, database: string, redacted: string }
  | { kind: 'mongodb', url: string, database: string, redacted: string }

/** The in-memory SQLite database (sqlite::memory:): a SQLite target's path when nothing is written to disk. */
export const SQLITE_MEMORY = ':memory:'

const EXPECTED = 'expected sqlite://./data/auth.db, memory://, mysql://user:pass@host:3306/db, postgres://user:pass@host:5432/db, mongodb://host:27017/db or mongodb+srv://cluster.example.net/db'
/**
 * scheme://[credentials@]hosts/database[?options]. Parsed by hand because MongoDB URLs may list
 * several hosts (`h1:27017,h2:27017`), which the WHATWG URL parser refuses.
 */
const STORAGE_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(\?[^#]*)?$/i
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/
const SERVER_KINDS: Record<string, 'mysql' | 'postgres' | 'mongodb'> = {
  mysql: 'mysql', postgres: 'postgres', postgresql: 'postgres', mongodb: 'mongodb', 'mongodb+srv': 'mongodb'
}

/** memory:// and sqlite::memory: keep everything in the process's own memory: nothing survives it, no other process shares it. */
export function isProcessLocalStorage (raw: string): boolean {
  return /^\s*(memory:|sqlite::memory:\s*$)/i.test(raw)
}

/** Parses STORAGE_URL; an unknown scheme or a malformed URL is a ConfigError naming the variable. */
export function parseStorageUrl (raw: string): StorageTarget {
  const trimmed = raw.trim()
  if (/^sqlite:/i.test(trimmed)) return parseSqliteUrl(trimmed)
  const match = STORAGE_URL.exec(trimmed)
  if (match === null) throw new ConfigError(`Invalid environment variable STORAGE_URL: not a URL (${EXPECTED})`)
  const [, scheme = '', credentials, hosts = '', path = '', query = ''] = match
  const lowered = scheme.toLowerCase()
  if (lowered === 'memory') return { kind: 'memory' }
  const kind = Object.hasOwn(SERVER_KINDS, lowered) ? SERVER_KINDS[lowered] : undefined
  if (kind === undefined) {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: unknown scheme "${scheme}:" (${EXPECTED})`)
  }
  let database: string
  try {
    database = decodeURIComponent(path)
  } catch {
    database = '' // malformed percent-encoding: reported as a bad database name below
  }
  const hostList = hosts.split(',')
  const singleHostOnly = lowered !== 'mongodb'
  if (hosts === '' || hostList.some((host) => host === '') || (singleHostOnly && hostList.length > 1) || !DATABASE_NAME.test(database)) {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: ${lowered}:// needs a host and a database name of letters, digits, _ or - (e.g. ${lowered}://host/authdb)`)
  }
  const redacted = `${lowered}://${credentials === undefined ? '' : '***:***@'}${hosts}/${database}${query === '' ? '' : '?…'}`
  return { kind, url: trimmed, database, redacted }
}

/**
 * sqlite://./relative/path.db (relative to the working directory), sqlite:///absolute/path.db,
 * or sqlite::memory: (nothing on disk; gone with the process). The path is taken literally,
 * percent-decoded; no query string, no host.
 */
function parseSqliteUrl (url: string): StorageTarget {
  if (url.toLowerCase() === `sqlite:${SQLITE_MEMORY}`) return { kind: 'sqlite', path: SQLITE_MEMORY, redacted: url }
  const match = /^sqlite:\/\/(\.{1,2}\/[^?#]*|\/[^?#]+)$/i.exec(url)
  let path = ''
  try {
    path = match?.[1] === undefined ? '' : decodeURIComponent(match[1])
  } catch {
    // malformed percent-encoding: refused below
  }
  if (path === '' || path.endsWith('/') || path.includes('\0')) {
    throw new ConfigError('Invalid environment variable STORAGE_URL: sqlite:// needs a file path, e.g. sqlite://./data/auth.db (relative to the working directory), sqlite:///var/lib/auth/auth.db (absolute) or sqlite::memory:')
  }
  const absolute = isAbsolute(path) ? path : resolve(path)
  return { kind: 'sqlite', path: absolute, redacted: `sqlite://${absolute}` }
}

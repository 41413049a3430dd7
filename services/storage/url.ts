import { ConfigError } from '../config.js'

export type StorageTarget =
  | { kind: 'memory' }
  | { kind: 'mysql', url: string, database: string, redacted: string }
  | { kind: 'mongodb', url: string, database: string, redacted: string }

/** Parses STORAGE_URL; an unknown scheme or a malformed URL is a ConfigError naming the variable. */
export function parseStorageUrl (raw: string): StorageTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError('Invalid environment variable STORAGE_URL: not a URL (expected memory://, mysql://user:pass@host:3306/db or mongodb://host:27017/db)')
  }
  const scheme = url.protocol.slice(0, -1)
  if (scheme === 'memory') return { kind: 'memory' }
  if (scheme !== 'mysql' && scheme !== 'mongodb') {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: unknown scheme "${scheme}:" (expected memory://, mysql:// or mongodb://)`)
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''))
  if (url.hostname === '' || !/^[A-Za-z0-9_-]{1,64}$/.test(database)) {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: ${scheme}:// needs a host and a database name of letters, digits, _ or - (e.g. ${scheme}://host/authdb)`)
  }
  return { kind: scheme, url: raw, database, redacted: redactStorageUrl(url) }
}

/** The URL without its credentials, safe to log. */
export function redactStorageUrl (url: URL): string {
  const copy = new URL(url.href)
  if (copy.username !== '') copy.username = '***'
  if (copy.password !== '') copy.password = '***'
  return copy.href
}

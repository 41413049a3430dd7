import { ConfigError } from '../config.js'

export type StorageTarget =
  | { kind: 'memory' }
  | { kind: 'mysql', url: string, database: string, redacted: string }
  | { kind: 'mongodb', url: string, database: string, redacted: string }

const EXPECTED = 'expected memory://, mysql://user:pass@host:3306/db, mongodb://host:27017/db or mongodb+srv://cluster.example.net/db'
/**
 * scheme://[credentials@]hosts/database[?options]. Parsed by hand because MongoDB URLs may list
 * several hosts (`h1:27017,h2:27017`), which the WHATWG URL parser refuses.
 */
const STORAGE_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(\?[^#]*)?$/i
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/

/** Parses STORAGE_URL; an unknown scheme or a malformed URL is a ConfigError naming the variable. */
export function parseStorageUrl (raw: string): StorageTarget {
  const match = STORAGE_URL.exec(raw.trim())
  if (match === null) throw new ConfigError(`Invalid environment variable STORAGE_URL: not a URL (${EXPECTED})`)
  const [, scheme = '', credentials, hosts = '', path = '', query = ''] = match
  const kind = scheme.toLowerCase()
  if (kind === 'memory') return { kind: 'memory' }
  if (kind !== 'mysql' && kind !== 'mongodb' && kind !== 'mongodb+srv') {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: unknown scheme "${scheme}:" (${EXPECTED})`)
  }
  let database: string
  try {
    database = decodeURIComponent(path)
  } catch {
    database = '' // malformed percent-encoding: reported as a bad database name below
  }
  const hostList = hosts.split(',')
  const singleHostOnly = kind === 'mysql' || kind === 'mongodb+srv'
  if (hosts === '' || hostList.some((host) => host === '') || (singleHostOnly && hostList.length > 1) || !DATABASE_NAME.test(database)) {
    throw new ConfigError(`Invalid environment variable STORAGE_URL: ${kind}:// needs a host and a database name of letters, digits, _ or - (e.g. ${kind}://host/authdb)`)
  }
  const redacted = `${kind}://${credentials === undefined ? '' : '***:***@'}${hosts}/${database}${query === '' ? '' : '?…'}`
  return { kind: kind === 'mysql' ? 'mysql' : 'mongodb', url: raw.trim(), database, redacted }
}

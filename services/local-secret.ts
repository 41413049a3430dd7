import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ConfigError } from './config.js'

/** Where a development server keeps what must survive its restarts (git-ignored). */
export const DATA_DIR = 'data'
const SECRET_FILE = 'jwt-secret'
const MIN_SECRET_LENGTH = 32

export interface LocalSecret {
  secret: string
  /** The file, relative to the working directory. */
  path: string
  /** True when this run wrote the file. */
  created: boolean
}

type Environment = Record<string, string | undefined>

/**
 * The HS256 secret of a development server without JWT_SECRET: made once into data/jwt-secret
 * (mode 0600, folder 0700) and reused, so tokens and the demo page survive a restart or a reload.
 * Null when JWT_SECRET is set, the algorithm has no shared secret, or NODE_ENV=production (where
 * the config refuses to start without JWT_SECRET).
 */
export function localJwtSecret (env: Environment, cwd: string): LocalSecret | null {
  if ((env.JWT_SECRET ?? '') !== '' || env.NODE_ENV === 'production') return null
  if ((env.JWT_ALGORITHM ?? '') !== '' && env.JWT_ALGORITHM !== 'HS256') return null
  const file = join(cwd, DATA_DIR, SECRET_FILE)
  const path = relative(cwd, file)
  const existing = readSecret(file, path)
  if (existing !== null) return { secret: existing, path, created: false }
  try {
    return createSecret(file, path)
  } catch (error) {
    if (error instanceof ConfigError) throw error
    throw new ConfigError(`JWT_SECRET is not set and ${path} cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}): set JWT_SECRET, or start from a folder where ${DATA_DIR}/ is writable`)
  }
}

function createSecret (file: string, path: string): LocalSecret {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const secret = randomBytes(48).toString('base64url')
  // Written aside, then linked into place: of two processes starting at once, one links and the
  // other reads the complete file (never an empty one still being written).
  const scratch = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(scratch, `${secret}\n`, { flag: 'wx', mode: 0o600 })
  try {
    linkSync(scratch, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return { secret: readSecret(file, path) ?? secret, path, created: false }
  } finally {
    unlinkSync(scratch)
  }
  return { secret, path, created: true }
}

function readSecret (file: string, path: string): string | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const mode = statSync(file).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`JWT_SECRET is not set and ${path} is readable by other users (mode ${mode.toString(8)}): run chmod 600 ${path}, or set JWT_SECRET`)
  }
  const secret = text.trim()
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET is not set and ${path} holds fewer than ${MIN_SECRET_LENGTH} characters: delete it to have a new one made, or set JWT_SECRET`)
  }
  return secret
}

/** The start-up log line for a local secret. */
export function describeLocalSecret ({ path, created }: LocalSecret): string {
  return `JWT_SECRET is not set: signing with the development secret in ${path} (${created ? 'created now' : 'kept from an earlier run'}); tokens survive restarts. NODE_ENV=production refuses to start without JWT_SECRET`
}

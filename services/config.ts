import { randomBytes } from 'node:crypto'
import { Value } from 'typebox/value'
import { EnvSchema, type Env } from '../schemas/env.js'
import { assertNodeEnvIsExact, assertProductionSafety } from './production-guard.js'
import { isProcessLocalStorage } from './storage/url.js'
import { describeEnvError, nonIntegerError } from './env-messages.js'

export interface AppConfig extends Omit<Env, 'JWT_SECRET' | 'CORS_ORIGINS' | 'INTROSPECTION_CLIENTS'> {
  JWT_SECRET: string
  /** True when no JWT_SECRET was given and a random one was made for this process. */
  jwtSecretGenerated: boolean
  /** Parsed CORS_ORIGINS; null means any origin, without credentials. */
  corsOrigins: string[] | null
  /** INTROSPECTION_CLIENTS as client id -> secret. */
  introspectionClients: Map<string, string>
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const MIN_PRODUCTION_SECRET_BYTES = 32

/** Reads and validates the environment once. Throws a ConfigError naming the variable. */
export function loadConfig (source: Record<string, string | undefined> = process.env): AppConfig {
  const picked: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key]
    if (value !== undefined && value !== '') picked[key] = value
  }
  // Read before Value.Default, which fills `picked` in place.
  const storageUrlSet = picked.STORAGE_URL !== undefined
  const integerError = nonIntegerError(EnvSchema.properties, picked)
  if (integerError !== null) throw new ConfigError(integerError)
  const env = Value.Default(EnvSchema, Value.Convert(EnvSchema, picked))
  const [firstError] = Value.Errors(EnvSchema, env)
  if (firstError !== undefined) {
    const name = firstError.instancePath.replace(/^\//, '') || 'environment'
    throw new ConfigError(describeEnvError(EnvSchema.properties, name, firstError.message, picked[name]))
  }
  const checked = env as Env
  const production = checked.NODE_ENV === 'production'
  if (production && checked.JWT_ALGORITHM === 'HS256' && Buffer.byteLength(checked.JWT_SECRET ?? '') < MIN_PRODUCTION_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET must be set to at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production and JWT_ALGORITHM=HS256 (generate one with: openssl rand -base64 48)`)
  }
  if (production) assertProductionStorage(checked, storageUrlSet)
  assertNodeEnvIsExact(checked.NODE_ENV)
  assertTimeouts(checked)
  const introspectionClients = parseClients(checked.INTROSPECTION_CLIENTS)
  if (production) assertProductionSafety(checked, introspectionClients)
  return {
    ...checked,
    JWT_SECRET: checked.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    jwtSecretGenerated: checked.JWT_SECRET === undefined,
    corsOrigins: parseOrigins(checked.CORS_ORIGINS),
    introspectionClients
  }
}

/** Node refuses to start a server whose headers timeout outlasts its request timeout. */
function assertTimeouts (env: Env): void {
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS (${env.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS (${env.REQUEST_TIMEOUT_MS}): lower HEADERS_TIMEOUT_MS or raise REQUEST_TIMEOUT_MS`)
  }
}

/**
 * Production says where its data lives: the default SQLite file sits in the working directory,
 * which in a container is gone with the container. memory:// (and sqlite::memory:) loses every
 * user on restart and cannot be shared: refused in production unless asked for.
 */
function assertProductionStorage (env: Env, storageUrlSet: boolean): void {
  if (!storageUrlSet) {
    throw new ConfigError('STORAGE_URL must be set when NODE_ENV=production (the default sqlite://./data/auth.db is relative to the working directory): set it to sqlite:///var/lib/auth/auth.db on one machine with a persistent disk, or to mysql://…, postgres://… or mongodb://…')
  }
  if (isProcessLocalStorage(env.STORAGE_URL) && !env.ALLOW_MEMORY_STORAGE) {
    throw new ConfigError(`STORAGE_URL=${env.STORAGE_URL.trim()} is refused when NODE_ENV=production: set STORAGE_URL to sqlite://…, mysql://…, postgres://… or mongodb://…, or ALLOW_MEMORY_STORAGE=true if losing every user on restart is acceptable`)
  }
}

/** "id:secret,id2:secret2" (the schema checks the shape; a secret may contain ':'). */
function parseClients (raw: string | undefined): Map<string, string> {
  const clients = new Map<string, string>()
  for (const pair of raw?.split(',') ?? []) {
    const colon = pair.indexOf(':')
    clients.set(pair.slice(0, colon).trim(), pair.slice(colon + 1))
  }
  return clients
}

function parseOrigins (raw: string | undefined): string[] | null {
  if (raw === undefined) return null
  const origins = raw.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
  for (const origin of origins) {
    if (origin === '*') throw new ConfigError('CORS_ORIGINS lists origins allowed with credentials; "*" is not allowed there (unset CORS_ORIGINS for any origin)')
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new ConfigError(`Invalid environment variable CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin: list origins separated by commas, like CORS_ORIGINS=https://app.example.com,http://localhost:5173`)
    }
    if (url.origin !== origin) throw new ConfigError(`Invalid environment variable CORS_ORIGINS: ${JSON.stringify(origin)} must be a bare origin (${url.origin})`)
  }
  return origins.length > 0 ? origins : null
}

/** What app.ts and every autoloaded plugin receive. Tests pass their own config and clock. */
export interface AppOptions {
  config?: AppConfig
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number
  /** More folders autoloaded exactly like routes/ (each subfolder a prefix, autohooks.ts included). */
  extraRouteDirs?: string[]
}

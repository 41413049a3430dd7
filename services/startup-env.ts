import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { ConfigError } from './config.js'
import { describeLocalSecret, localJwtSecret } from './local-secret.js'

type Environment = Record<string, string | undefined>

export interface StartupEnvironment {
  /** What loadConfig reads: .env under the real environment, plus the local JWT secret. */
  env: Environment
  /** Lines for the start-up log. */
  notes: string[]
}

/** KEY=value lines of `<cwd>/.env` (Node's own parser, as `node --env-file`); {} when there is none. */
export function readDotEnv (cwd: string): Environment {
  let text: string
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new ConfigError(`cannot read .env: ${(error as Error).message}`)
  }
  return parseEnv(text)
}

/**
 * The environment a server or the CLI starts from, read the same way by both: `.env` first, the
 * real environment over it (a variable set in the shell, the container or the process manager
 * wins), then outside production the local development secret when JWT_SECRET is still unset.
 */
export function startupEnvironment (processEnv: Environment, cwd: string): StartupEnvironment {
  const dotEnv = readDotEnv(cwd)
  const env: Environment = { ...dotEnv }
  for (const [key, value] of Object.entries(processEnv)) if (value !== undefined) env[key] = value
  const notes: string[] = []
  const fromFile = Object.keys(dotEnv).filter((key) => processEnv[key] === undefined)
  if (fromFile.length > 0) notes.push(`.env: ${fromFile.length} variable(s) read (${fromFile.join(', ')}); the real environment wins over .env`)
  const local = localJwtSecret(env, cwd)
  if (local === null) return { env, notes }
  notes.push(describeLocalSecret(local))
  return { env: { ...env, JWT_SECRET: local.secret }, notes }
}

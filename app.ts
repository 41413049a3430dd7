import { join } from 'node:path'
import AutoLoad from '@fastify/autoload'
import type { FastifyPluginAsync, FastifyServerOptions } from 'fastify'
import type { AppConfig, AppOptions } from './services/config.js'

export type { AppOptions }

/** Never logged: credentials, tokens and cookies, wherever they appear in a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.access_token',
  '*.refresh_token',
  '*.token'
]

/**
 * Fastify's trustProxy from TRUST_PROXY: unset or "false" trusts no proxy (the TCP peer is the
 * client), "true" trusts every hop, anything else is a comma list of proxy addresses or CIDR
 * ranges (the safe choice: only those hops' X-Forwarded-For entries are believed).
 */
export function trustProxy (value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  return value
}

/** Server options shared by server.ts and the tests, so both run the same server. */
export function serverOptions (config: Pick<AppConfig, 'LOG_LEVEL'> & Partial<Pick<AppConfig, 'TRUST_PROXY'>>, stdoutIsTty = process.stdout.isTTY === true): FastifyServerOptions {
  return {
    trustProxy: trustProxy(config.TRUST_PROXY),
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      ...(stdoutIsTty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {})
    },
    bodyLimit: 64 * 1024,
    // Start-up includes connecting to storage, migrations and loading the plugins: allow for a slow
    // database or a loaded machine rather than failing with "Plugin did not start in time".
    pluginTimeout: 60_000,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: true, allErrors: false } },
    forceCloseConnections: 'idle'
  }
}

/**
 * The application: plugins/ (infrastructure, ordered by their declared dependencies), then
 * routes/ (each folder a prefix; autohooks.ts guards a folder).
 */
const app: FastifyPluginAsync<AppOptions> = async (fastify, opts) => {
  await fastify.register(AutoLoad, {
    dir: join(import.meta.dirname, 'plugins'),
    options: opts
  })
  for (const dir of [join(import.meta.dirname, 'routes'), ...(opts.extraRouteDirs ?? [])]) {
    await fastify.register(AutoLoad, { dir, autoHooks: true, cascadeHooks: true, options: opts })
  }
}

export default app

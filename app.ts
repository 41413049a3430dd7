import { join } from 'node:path'
import AutoLoad from '@fastify/autoload'
import type { FastifyPluginAsync, FastifyServerOptions } from 'fastify'
import type { AppConfig, AppOptions } from './services/config.js'
import { serializeRequest } from './services/log-redaction.js'

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

type Timeouts = Pick<AppConfig, 'REQUEST_TIMEOUT_MS' | 'HEADERS_TIMEOUT_MS' | 'CONNECTION_TIMEOUT_MS'>
const DEFAULT_TIMEOUTS: Timeouts = { REQUEST_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 10_000, CONNECTION_TIMEOUT_MS: 90_000 }

/**
 * A client that sends its headers or body slowly holds a connection: Node answers 408 and
 * closes it once the headers (HEADERS_TIMEOUT_MS) or the whole request (REQUEST_TIMEOUT_MS) took
 * too long, and closes a connection silent for CONNECTION_TIMEOUT_MS. Node checks the first two
 * every `connectionsCheckingInterval` (30 s by default, which would let a trickle run 30 s past
 * its limit): here a quarter of the shorter limit, at most 1 s.
 */
function timeoutOptions (config: Partial<Timeouts>) {
  const { REQUEST_TIMEOUT_MS: requestTimeout, HEADERS_TIMEOUT_MS: headersTimeout, CONNECTION_TIMEOUT_MS: connectionTimeout } = { ...DEFAULT_TIMEOUTS, ...config }
  const connectionsCheckingInterval = Math.min(1000, Math.max(25, Math.floor(Math.min(requestTimeout, headersTimeout) / 4)))
  return { requestTimeout, connectionTimeout, http: { requestTimeout, headersTimeout, connectionsCheckingInterval } }
}

/** Server options shared by server.ts and the tests, so both run the same server. */
export function serverOptions (config: Pick<AppConfig, 'LOG_LEVEL'> & Partial<Pick<AppConfig, 'TRUST_PROXY'> & Timeouts>, stdoutIsTty = process.stdout.isTTY === true): FastifyServerOptions {
  return {
    trustProxy: trustProxy(config.TRUST_PROXY),
    ...timeoutOptions(config),
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      // Query strings may carry tokens or passwords a client should not have put there.
      serializers: { req: serializeRequest },
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

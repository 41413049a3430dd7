import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import app, { serverOptions } from '../app.js'
import { loadConfig } from '../services/config.js'

/** The secret of every test app: known here so tests can forge tokens against it. */
export const TEST_SECRET = 'test-secret-with-at-least-thirty-two-bytes-of-entropy'

export interface BuildOptions {
  env?: Record<string, string>
  /** Injected clock (ms since epoch) for the services. */
  now?: () => number
  /** Receives every log line as JSON text (level debug). */
  logLines?: string[]
  /** Receives every route as it is registered. */
  onRoute?: (route: RouteOptions) => void
  /** More route folders, loaded like routes/. */
  extraRouteDirs?: string[]
}

interface Teardown { teardown (fn: () => unknown): void }

/** Builds the app with the same server options as server.ts; closes it when the test ends. */
export async function build (t: Teardown, options: BuildOptions = {}): Promise<FastifyInstance> {
  // The IP limiter is off unless a test turns it on: most tests log in far more than 20 times a
  // minute. Load shedding too: two test files hashing in parallel on a shared machine can hold the
  // event loop long enough to trip it, and its own tests turn it on.
  const config = loadConfig({ JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', STORAGE_URL: 'memory://', RATE_LIMIT_AUTH_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...options.env })
  const base = serverOptions(options.logLines === undefined ? config : { ...config, LOG_LEVEL: 'debug' as const }, false)
  const logLines = options.logLines
  const logger = logLines === undefined || typeof base.logger !== 'object'
    ? base.logger
    : { ...base.logger, stream: new Writable({ write (chunk, _enc, done) { logLines.push(String(chunk)); done() } }) }
  const fastify = Fastify({ ...base, logger })
  if (options.onRoute !== undefined) fastify.addHook('onRoute', options.onRoute)
  await fastify.register(fp(app), {
    config,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.extraRouteDirs === undefined ? {} : { extraRouteDirs: options.extraRouteDirs })
  })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return fastify
}

let counter = 0
/** A username no other test uses. */
export function uniqueName (prefix = 'user'): string {
  counter += 1
  return `${prefix}_${process.pid}_${counter}`
}

export const PASSWORD = 'correct horse: battery staple'

export async function register (app: FastifyInstance, username = uniqueName(), password = PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  return { username, password, id: (res.json() as { id: string }).id }
}

export interface Pair { access_token: string, refresh_token: string, expires_in: number, token_type: string }

export async function login (app: FastifyInstance, username: string, password = PASSWORD): Promise<Pair> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return res.json() as Pair
}

export async function registerAndLogin (app: FastifyInstance) {
  const user = await register(app)
  return { ...user, ...(await login(app, user.username)) }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
export const basic = (username: string, password: string) =>
  ({ authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` })

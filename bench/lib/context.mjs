// @ts-check
/**
 * What every scenario gets: the settings, the servers it may start (all stopped at the end, even
 * on failure), the shared secret (so that peers verify the very tokens our server issued) and the
 * main server: ours, HS256, memory storage, 100 users, shared by the groups that need a plain one.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { cloneUsers } from './databases.mjs'
import { startOurServer, startPeer } from './processes.mjs'

/** The password of every benchmark user (passes the product's password policy). */
export const PASSWORD = 'correct horse: battery staple'
/** Username prefix of the users seeded in each server: u0, u1, … */
export const USER_PREFIX = 'u'
/** Users of the main server, and distinct access tokens per scenario. */
export const TOKENS = 100

/**
 * @typedef {object} Settings
 * @property {boolean} quick
 * @property {number} warmup seconds of load before the rounds, per variant
 * @property {number} seconds one throughput measurement window
 * @property {number} rounds bracketed rounds of the throughput scenarios
 * @property {number} argonSeconds one window of login / register / raw argon2
 * @property {number} argonRounds rounds of the argon2 and latency scenarios
 * @property {number} latencySeconds one p50 latency window (one connection)
 * @property {number} connections for throughput rounds
 * @property {number} revocations scenario 7
 * @property {number} manyUsers scenario 8, memory storage
 * @property {number} manyUsersDb scenario 8, MySQL and MongoDB
 * @property {number} refreshSessions sessions whose refresh tokens rotate in scenario 6
 */

/** @typedef {import('./processes.mjs').Server} Server */
/**
 * Node.js flags for every server of a throughput or latency row, ours and the references alike, so
 * that a server loaded only during its own windows, idle in between, is measured as a server under
 * steady load (like the base of the bracketed rounds, loaded in every other window):
 *
 * - `--min-semi-space-size=16`: V8's young generation starts with 16 MiB semi-spaces instead of
 *   1 MiB and never shrinks below that. The base grows it to 32 MiB anyway; the idle servers were
 *   found back at 1 to 4.5 MiB at the start of their windows. Same bracketed rounds, each server
 *   started with and without the flag (2026-11-27): ES256 0.85 without, 0.87 with; EdDSA 0.83 and
 *   0.91; @fastify/jwt 0.72 and 0.74; @fastify/jwt with its cache 0.72 and 0.85.
 * - `--no-memory-reducer`: once allocation stops, V8's memory reducer runs a memory-reducing
 *   mark-compact, which also discards optimised code; the next window then runs in the slower tiers
 *   while V8 compiles it all again. One idle server, 1 s windows 20 s apart (2026-11-27, three runs):
 *   the reducer's collection came 105 to 114 s after start each time, the window after it took
 *   321 to 411 µs of CPU per request against 88 to 126 µs in the others, and in the run traced with
 *   --trace-opt 124 functions were optimised after it, 89 of them for the second time; with the
 *   flag, no window above 132 µs. In the full run
 *   of 21:06 UTC the base's 77 windows never fell below 7,032 req/s, while EdDSA, ES256 and RS256
 *   fell to 2,384-2,937 together in round 4 (the one window where their young generation had been
 *   shrunk to the minimum) and @fastify/jwt to 2,421 in round 5.
 *
 * The servers whose memory a row reports start with V8's defaults.
 */
export const STEADY_STATE_FLAGS = ['--min-semi-space-size=16', '--no-memory-reducer']

/**
 * A server to start: ours (with `env`), or a reference from bench/peers/. `memory`: a row reports
 * its memory, so it starts with V8's defaults (no STEADY_STATE_FLAGS).
 * @typedef {{ name: string, env?: Record<string, string>, memory?: boolean } | { name: string, peer: string, env?: Record<string, string> }} ServerSpec
 */
/** @typedef {{ access_token: string, refresh_token: string }} Pair */

/**
 * @param {{ settings: Settings, distDir: string, pinned: boolean, log: (line: string) => void }} options
 */
export function createContext ({ settings, distDir, pinned, log }) {
  const secret = randomBytes(48).toString('base64url')
  const runId = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14) + '_' + randomBytes(3).toString('hex')
  /** @type {Set<Server>} */
  const running = new Set()
  /** @type {Promise<{ server: Server, tokens: string[], pairs: Pair[] }> | undefined} */
  let main
  /** @type {Map<string, unknown>} */
  const shared = new Map()
  /** @type {(() => Promise<void>)[]} run by stopAll, after the servers stopped (e.g. drop a database) */
  const cleanups = []

  /** @param {ServerSpec} spec */
  async function start (spec) {
    const server = 'peer' in spec
      ? await startPeer({ name: spec.name, file: spec.peer, pinned, env: { JWT_SECRET: secret, ...spec.env }, nodeFlags: STEADY_STATE_FLAGS })
      // memory:// unless a scenario names a database: the default SQLite file would be one file shared by every server.
      : await startOurServer({ name: spec.name, distDir, pinned, env: { JWT_SECRET: secret, RATE_LIMIT_AUTH_MAX: '0', STORAGE_URL: 'memory://', ...spec.env }, nodeFlags: spec.memory === true ? [] : STEADY_STATE_FLAGS })
    running.add(server)
    const storageUrl = 'env' in spec ? spec.env?.STORAGE_URL : undefined
    if (storageUrl !== undefined) server.storageUrl = storageUrl
    return server
  }

  const ctx = {
    settings,
    distDir,
    pinned,
    secret,
    runId,
    log,
    /** Values a group leaves for a later one (e.g. the database servers of scenario 6 for 8). */
    shared,

    /**
     * Starts servers at once (on every core, each pinned to core 1 once it listens). Ours get the
     * benchmark's secret and the per-IP limiter of /auth/* off (RATE_LIMIT_AUTH_MAX=0): every
     * benchmark request comes from 127.0.0.1.
     * @param {ServerSpec[]} specs
     * @returns {Promise<Server[]>}
     */
    async startAll (specs) {
      log(`  starting ${specs.map((spec) => spec.name).join(', ')}`)
      const settled = await Promise.allSettled(specs.map(start))
      const failed = settled.find((result) => result.status === 'rejected')
      if (failed !== undefined) {
        for (const result of settled) if (result.status === 'fulfilled') await ctx.stop(result.value)
        throw failed.reason
      }
      return settled.map((result) => /** @type {PromiseFulfilledResult<Server>} */ (result).value)
    },

    /** @param {Server[]} servers */
    async stop (...servers) {
      for (const server of servers) {
        running.delete(server)
        await server.stop()
      }
    },

    /** @param {() => Promise<void>} cleanup */
    atEnd (cleanup) {
      cleanups.push(cleanup)
    },

    async stopAll () {
      for (const server of running) await server.stop()
      running.clear()
      main = undefined
      shared.clear()
      for (const cleanup of cleanups.splice(0)) await cleanup().catch((error) => log(`  cleanup failed: ${error}`))
    },

    /**
     * The main server: ours, HS256, memory storage, TOKENS users and settings.refreshSessions
     * sessions of them (the first TOKENS give the access tokens). Started on first use.
     */
    main () {
      main ??= (async () => {
        const [server] = /** @type {[Server]} */ (await ctx.startAll([{ name: 'ours HS256 (main)' }]))
        const pairs = await ctx.usersWithSessions(server, TOKENS, Math.max(TOKENS, settings.refreshSessions))
        return { server, pairs, tokens: pairs.slice(0, TOKENS).map((pair) => pair.access_token) }
      })()
      return main
    },

    /**
     * count users u0…u(count-1) (one real registration, the rest stored with its hash), then
     * `sessions` sessions of the first min(count, TOKENS) users in turn; returns their token pairs.
     * @param {Server} server @param {number} count @param {number} sessions
     * @returns {Promise<Pair[]>}
     */
    async usersWithSessions (server, count, sessions) {
      const started = performance.now()
      let how = 'through the store'
      const bulk = server.storageUrl !== undefined && count > TOKENS
      const first = await server.command('seedUsers', { prefix: USER_PREFIX, count: bulk ? 1 : count, password: PASSWORD })
      if (bulk) {
        const kind = /** @type {'mysql' | 'mongodb'} */ (new URL(/** @type {string} */ (server.storageUrl)).protocol.slice(0, -1))
        const makeUser = (/** @type {number} */ i) => ({ id: randomUUID(), username: `${USER_PREFIX}${i}` })
        if (await cloneUsers(kind, /** @type {string} */ (server.storageUrl), first, makeUser, 1, count)) how = `as copies of ${first.username}'s row, bulk-inserted`
        else await server.command('seedUsers', { prefix: USER_PREFIX, count, password: PASSWORD, from: 1 })
      }
      log(`  ${server.name}: ${count.toLocaleString('en-US')} users stored ${how} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      return server.command('openSessions', { prefix: USER_PREFIX, count: sessions, users: Math.min(count, TOKENS) })
    },

    /**
     * usersWithSessions, returning the access tokens.
     * @param {Server} server @param {number} count
     */
    async accessTokens (server, count = TOKENS) {
      return (await ctx.usersWithSessions(server, count, TOKENS)).map((pair) => pair.access_token)
    }
  }
  return ctx
}

/** @typedef {ReturnType<typeof createContext>} Context */

// @ts-check
/**
 * Scenario 8: many users against few, per storage adapter. Two fresh servers (and fresh
 * databases) per adapter, 100 users and N users; login and protected-route p50 latency with one
 * connection (every response time kept, not autocannon's millisecond histogram), bracketed;
 * and the resident memory of the memory-storage server with N users.
 *
 * Seeding N users: one registration through the real service (a real argon2id hash), then
 * store.createUser for the rest with that hash (bench/lib/probe.mjs). Logins hash-verify for real.
 */
import { PASSWORD, TOKENS, USER_PREFIX } from '../lib/context.mjs'
import { DATABASE_VARIABLES, serverUrlOf } from '../lib/databases.mjs'
import { bearerRequests, load, loginRequests } from '../lib/load.mjs'
import { bracket, judge, notRunRow, ratioRow } from '../lib/rounds.mjs'
import { databaseServer } from './refresh.mjs'

/** @typedef {import('../lib/processes.mjs').Server} Server */

const FEW = TOKENS
const LOGIN_USERS = 100

/**
 * @param {import('../lib/processes.mjs').Server} server
 * @param {import('../lib/load.mjs').Request[]} requests
 */
function latencyOf (server, requests) {
  return async (/** @type {number} */ seconds) => {
    // A window in which no response arrived has no p50: it is measured again, twice as long, up
    // to 8 times the window (a quick run's half second can pass within one login on a loaded machine).
    const measure = (/** @type {number} */ window) => load({ url: server.url, requests, connections: 1, seconds: window, latencies: true })
    let result = await measure(seconds)
    for (let window = seconds * 2; result.ok === 0 && window <= seconds * 8; window *= 2) result = await measure(window)
    return { value: Number(result.p50), bad: result.bad, p99: result.p99, samples: result.ok }
  }
}

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

/**
 * The two servers of one adapter: "few" (TOKENS users; for the databases, the one scenario 6 left
 * running) and "many", both with TOKENS access tokens. A string says why there are none.
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {'memory' | 'mysql' | 'mongodb'} kind
 * @param {number} many
 * @returns {Promise<{ few: { server: Server, tokens: string[] }, lots: { server: Server, tokens: string[] } } | string>}
 */
async function servers (ctx, kind, many) {
  if (kind === 'memory') {
    const [few, lots] = /** @type {[Server, Server]} */ (await ctx.startAll([{ name: `ours memory, ${FEW} users`, memory: true }, { name: `ours memory, ${many} users`, memory: true }]))
    const fresh = await lots.rss()
    const pair = { few: { server: few, tokens: await ctx.accessTokens(few, FEW) }, lots: { server: lots, tokens: await ctx.accessTokens(lots, many) } }
    ctx.shared.set('rss many', { fresh, seeded: await lots.rss() })
    return pair
  }
  const kept = /** @type {{ server: Server, tokens: string[] } | undefined} */ (ctx.shared.get(`few ${kind}`))
  const [few, lots] = await Promise.all([kept?.server ?? databaseServer(ctx, kind, 'few'), databaseServer(ctx, kind, 'many')])
  if (typeof few === 'string') return few
  if (typeof lots === 'string') return lots
  return { few: kept ?? { server: few, tokens: await ctx.accessTokens(few, FEW) }, lots: { server: lots, tokens: await ctx.accessTokens(lots, many) } }
}

/**
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {'memory' | 'mysql' | 'mongodb'} kind
 * @param {number} many
 */
async function adapter (ctx, kind, many) {
  const pair = await servers(ctx, kind, many)
  if (typeof pair === 'string') return pair
  const { few, lots } = pair
  try {
    // Logins spread over the whole user table: u0, u(count/100), u(2·count/100), …
    const spread = (/** @type {number} */ count) => Array.from({ length: LOGIN_USERS }, (_, i) => `${USER_PREFIX}${Math.floor(i * count / LOGIN_USERS)}`)
    const bracketed = (/** @type {string} */ what, /** @type {import('../lib/load.mjs').Request[]} */ fewRequests, /** @type {import('../lib/load.mjs').Request[]} */ lotsRequests) => bracket({
      base: { key: `${what} few`, measure: latencyOf(few.server, fewRequests) },
      others: [{ key: `${what} many`, measure: latencyOf(lots.server, lotsRequests) }],
      rounds: ctx.settings.argonRounds,
      seconds: ctx.settings.latencySeconds,
      warmup: Math.min(ctx.settings.warmup, 1),
      log: ctx.log
    })
    const login = await bracketed('login', loginRequests(spread(FEW), PASSWORD), loginRequests(spread(many), PASSWORD))
    const protectedRoute = await bracketed('protected', bearerRequests('/protected/hello', few.tokens), bearerRequests('/protected/hello', lots.tokens))
    const memory = kind === 'memory'
      ? { ...(/** @type {{ fresh: number, seeded: number }} */ (ctx.shared.get('rss many'))), few: await few.server.rss(), many: await lots.server.rss(), heap: (await lots.server.command('memory', { gc: true })).heapUsed }
      : null
    return { login, protectedRoute, memory }
  } finally {
    await ctx.stop(few.server, lots.server)
  }
}

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const rows = []
  const names = { memory: 'memory', mysql: 'MySQL', mongodb: 'MongoDB' }
  for (const [i, kind] of /** @type {const} */ (['memory', 'mysql', 'mongodb']).entries()) {
    const many = kind === 'memory' ? ctx.settings.manyUsers : ctx.settings.manyUsersDb
    const label = many.toLocaleString('en-US')
    const ids = [`8${'ace'[i]}`, `8${'bdf'[i]}`]
    const loginScenario = `Login p50 latency, ${label} users vs ${FEW} (${names[kind]})`
    const protectedScenario = `Protected route p50 latency, ${label} users vs ${FEW} (${names[kind]})`
    const goal = /** @type {const} */ ({ op: '<=', value: 1.1 })
    const missing = kind === 'memory' ? undefined : serverUrlOf(kind) === undefined ? `${DATABASE_VARIABLES[kind]} is not set (source .ci/services.sh)` : undefined
    let outcome
    if (missing === undefined) {
      try {
        outcome = await adapter(ctx, kind, many)
      } catch (error) {
        if (kind === 'memory') throw error
        outcome = `${names[kind]} run failed: ${String(error).split('\n')[0]}`
        ctx.log(`  ${outcome}`)
      }
    }
    if (outcome === undefined || typeof outcome === 'string') {
      const why = outcome ?? /** @type {string} */ (missing)
      rows.push(notRunRow(ids[0] ?? '', loginScenario, goal, why), notRunRow(ids[1] ?? '', protectedScenario, goal, why))
      continue
    }
    const { login, protectedRoute, memory } = outcome
    rows.push(
      ratioRow({ id: ids[0] ?? '', scenario: loginScenario, results: login, a: 'login many', b: 'login few', aLabel: `${label} users`, bLabel: `${FEW} users`, unit: 'ms', goal }),
      ratioRow({ id: ids[1] ?? '', scenario: protectedScenario, results: protectedRoute, a: 'protected many', b: 'protected few', aLabel: `${label} users`, bLabel: `${FEW} users`, unit: 'ms', goal })
    )
    if (memory !== null) {
      const rssGoal = /** @type {const} */ ({ op: '<=', value: 200 })
      const rssMb = memory.many / 1024 / 1024
      rows.push({
        id: '8g',
        scenario: `Server RSS with ${label} users, memory storage`,
        a: `${label} users, after the login rounds: ${mb(memory.many)} (at start ${mb(memory.fresh)}, seeded ${mb(memory.seeded)}; V8 heap after GC ${mb(memory.heap)})`,
        b: `${FEW} users, after the same rounds: ${mb(memory.few)}`,
        value: rssMb,
        unit: 'MB',
        goal: rssGoal,
        status: judge(rssGoal, rssMb),
        detail: memory
      })
    }
  }
  return rows
}

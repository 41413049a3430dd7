// @ts-check
/**
 * Scenario 8: many users against few, per storage adapter. Two fresh servers (and fresh
 * databases) per adapter, 100 users and N users; login and (memory, MySQL, MongoDB)
 * protected-route p50 latency with one connection (every response time kept, not autocannon's
 * millisecond histogram), bracketed; and the resident memory of the memory-storage and SQLite
 * servers with N users (the process that holds the users, or the database file, itself).
 *
 * Seeding N users: one registration through the real service (a real argon2id hash), then
 * store.createUser for the rest with that hash (bench/lib/probe.mjs). Logins hash-verify for real.
 */
import { PASSWORD, TOKENS, USER_PREFIX } from '../lib/context.mjs'
import { missingDatabase } from '../lib/databases.mjs'
import { bearerRequests, load, loginRequests } from '../lib/load.mjs'
import { bracket, judge, notRunRow, ratioRow } from '../lib/rounds.mjs'
import { databaseServer, NAMES } from './refresh.mjs'

/** @typedef {import('../lib/processes.mjs').Server} Server */

const FEW = TOKENS
const LOGIN_USERS = 100

/** @typedef {'memory' | import('../lib/databases.mjs').DatabaseKind} Kind */
/**
 * The rows of each adapter: login latency, protected-route latency (the route reads no storage:
 * measured on the first three) and server RSS (where the server process holds the data itself).
 * @type {{ kind: Kind, login: string, protectedRoute?: string, rss?: string }[]}
 */
const ADAPTERS = [
  { kind: 'memory', login: '8a', protectedRoute: '8b', rss: '8g' },
  { kind: 'mysql', login: '8c', protectedRoute: '8d' },
  { kind: 'mongodb', login: '8e', protectedRoute: '8f' },
  { kind: 'postgres', login: '8h' },
  { kind: 'sqlite', login: '8i', rss: '8j' }
]

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
 * The two servers of one adapter: "few" (TOKENS users) and "many", both with TOKENS access
 * tokens, and the RSS of "many" before and after seeding. Memory and SQLite start a fresh pair with
 * V8's default flags (a row reports their memory); MySQL, PostgreSQL and MongoDB keep the server
 * scenario 6 left running as their "few" side. A string says why there are none.
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {Kind} kind
 * @param {number} many
 * @returns {Promise<{ few: { server: Server, tokens: string[] }, lots: { server: Server, tokens: string[] }, rss: { fresh: number, seeded: number } } | string>}
 */
async function servers (ctx, kind, many) {
  /** @type {[Server | string, Server | string]} */
  let started
  /** @type {{ server: Server, tokens: string[] } | undefined} */
  let kept
  if (kind === 'memory') {
    started = /** @type {[Server, Server]} */ (await ctx.startAll([{ name: `ours memory, ${FEW} users`, memory: true }, { name: `ours memory, ${many} users`, memory: true }]))
  } else {
    const memory = kind === 'sqlite'
    kept = memory ? undefined : /** @type {{ server: Server, tokens: string[] } | undefined} */ (ctx.shared.get(`few ${kind}`))
    started = await Promise.all([kept?.server ?? databaseServer(ctx, kind, 'few', { memory }), databaseServer(ctx, kind, 'many', { memory })])
  }
  const [few, lots] = started
  if (typeof few === 'string') return few
  if (typeof lots === 'string') return lots
  const fresh = await lots.rss()
  const pair = { few: kept ?? { server: few, tokens: await ctx.accessTokens(few, FEW) }, lots: { server: lots, tokens: await ctx.accessTokens(lots, many) } }
  return { ...pair, rss: { fresh, seeded: await lots.rss() } }
}

/**
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {typeof ADAPTERS[number]} adapter
 * @param {number} many
 */
async function measure (ctx, adapter, many) {
  const pair = await servers(ctx, adapter.kind, many)
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
    const protectedRoute = adapter.protectedRoute === undefined ? null : await bracketed('protected', bearerRequests('/protected/hello', few.tokens), bearerRequests('/protected/hello', lots.tokens))
    const memory = adapter.rss === undefined
      ? null
      : { ...pair.rss, few: await few.server.rss(), many: await lots.server.rss(), heap: (await lots.server.command('memory', { gc: true })).heapUsed }
    return { login, protectedRoute, memory }
  } finally {
    await ctx.stop(few.server, lots.server)
  }
}

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  /** @type {import('../lib/rounds.mjs').Row[]} */
  const rows = []
  for (const adapter of ADAPTERS) {
    const { kind } = adapter
    const many = kind === 'memory' ? ctx.settings.manyUsers : ctx.settings.manyUsersDb
    const label = many.toLocaleString('en-US')
    const loginScenario = `Login p50 latency, ${label} users vs ${FEW} (${NAMES[kind]})`
    const protectedScenario = `Protected route p50 latency, ${label} users vs ${FEW} (${NAMES[kind]})`
    const rssScenario = `Server RSS with ${label} users, ${NAMES[kind]} storage`
    const goal = /** @type {const} */ ({ op: '<=', value: 1.1 })
    const rssGoal = /** @type {const} */ ({ op: '<=', value: 200 })
    const missing = kind === 'memory' ? undefined : missingDatabase(kind)
    let outcome
    if (missing === undefined) {
      try {
        outcome = await measure(ctx, adapter, many)
      } catch (error) {
        if (kind === 'memory') throw error
        outcome = `${NAMES[kind]} run failed: ${String(error).split('\n')[0]}`
        ctx.log(`  ${outcome}`)
      }
    }
    if (outcome === undefined || typeof outcome === 'string') {
      const why = outcome ?? /** @type {string} */ (missing)
      rows.push(notRunRow(adapter.login, loginScenario, goal, why))
      if (adapter.protectedRoute !== undefined) rows.push(notRunRow(adapter.protectedRoute, protectedScenario, goal, why))
      if (adapter.rss !== undefined) rows.push(notRunRow(adapter.rss, rssScenario, rssGoal, why))
      continue
    }
    const { login, protectedRoute, memory } = outcome
    rows.push(ratioRow({ id: adapter.login, scenario: loginScenario, results: login, a: 'login many', b: 'login few', aLabel: `${label} users`, bLabel: `${FEW} users`, unit: 'ms', goal }))
    if (adapter.protectedRoute !== undefined && protectedRoute !== null) {
      rows.push(ratioRow({ id: adapter.protectedRoute, scenario: protectedScenario, results: protectedRoute, a: 'protected many', b: 'protected few', aLabel: `${label} users`, bLabel: `${FEW} users`, unit: 'ms', goal }))
    }
    if (adapter.rss !== undefined && memory !== null) {
      const rssMb = memory.many / 1024 / 1024
      rows.push({
        id: adapter.rss,
        scenario: rssScenario,
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

// @ts-check
/**
 * Scenario 6: refresh-token rotation. Every request presents the current refresh token of one of
 * the sessions and puts the rotated one back in the pool (bench/lib/load.mjs refreshRequests), so
 * each is a real rotation. Memory storage against our protected route on the same server; MySQL,
 * MongoDB and SQLite (fresh databases; MySQL and MongoDB when MYSQL_URL / MONGODB_URL are set)
 * against memory; PostgreSQL (when POSTGRES_URL is set) against MySQL.
 *
 * The database servers (100 users) of MySQL, PostgreSQL and MongoDB stay up for scenario 8, which
 * uses them as its "100 users" side. Scenario 8 starts SQLite servers of its own (with V8's
 * default flags, since a row reports their memory): this one stops with the scenario.
 */
import { freshDatabase, missingDatabase } from '../lib/databases.mjs'
import { bearerRequests, refreshRequests } from '../lib/load.mjs'
import { thenQuiet } from '../lib/quiet.mjs'
import { bracket, notRunRow, ratioRow } from '../lib/rounds.mjs'
import { throughputOf } from './protected.mjs'
import { TOKENS, USER_PREFIX } from '../lib/context.mjs'

export const KINDS = /** @type {const} */ (['mysql', 'mongodb', 'sqlite', 'postgres'])
export const NAMES = { memory: 'memory', mysql: 'MySQL', mongodb: 'MongoDB', sqlite: 'SQLite', postgres: 'PostgreSQL' }

/**
 * Our server on a fresh database of `kind`, or why there is none. `memory`: a row reports its
 * memory (see ServerSpec in bench/lib/context.mjs).
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {import('../lib/databases.mjs').DatabaseKind} kind
 * @param {string} label part of the database name
 * @param {{ memory?: boolean }} [options]
 * @returns {Promise<import('../lib/processes.mjs').Server | string>}
 */
export async function databaseServer (ctx, kind, label, { memory = false } = {}) {
  const missing = missingDatabase(kind)
  if (missing !== undefined) return missing
  try {
    const database = await freshDatabase(kind, `bench_${ctx.runId}_${label}`)
    ctx.atEnd(database.drop)
    const [server] = await ctx.startAll([{ name: `ours ${NAMES[kind]} (${label})`, env: { STORAGE_URL: database.url }, memory }])
    return /** @type {import('../lib/processes.mjs').Server} */ (server)
  } catch (error) {
    const why = `our server on ${NAMES[kind]} could not be prepared: ${String(error).split('\n')[0]}`
    ctx.log(`  ${why}`)
    return why
  }
}

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const { settings } = ctx
  const [main, ...databases] = await Promise.all([ctx.main(), ...KINDS.map((kind) => databaseServer(ctx, kind, 'few'))])
  const others = [{ key: 'protected', measure: throughputOf(main.server, bearerRequests('/protected/hello', main.tokens), settings.connections) }]
  /** @type {Record<string, string>} */
  const notRun = {}
  for (const [i, kind] of KINDS.entries()) {
    const server = databases[i]
    if (typeof server === 'string' || server === undefined) {
      notRun[kind] = server ?? 'no server'
      continue
    }
    const pairs = await ctx.usersWithSessions(server, TOKENS, Math.max(TOKENS, settings.refreshSessions))
    if (kind !== 'sqlite') ctx.shared.set(`few ${kind}`, { server, tokens: pairs.slice(0, TOKENS).map((pair) => pair.access_token) })
    // The database answers the refreshes still in flight after each round: wait for it (see bench/lib/quiet.mjs).
    others.push({ key: `refresh ${kind}`, measure: thenQuiet(throughputOf(server, refreshRequests(pairs.map((pair) => pair.refresh_token)), settings.connections)) })
  }
  // A refresh still in flight when a window ends is rotated by the server, but its reply is never
  // read: each window may lose one session per connection. The base runs in 1 + others windows a
  // round (43 in a full run: up to 430 sessions), so the main server gets more sessions when needed.
  const baseWindows = (settings.warmup > 0 ? 1 : 0) + settings.rounds * (1 + others.length)
  const missing = settings.connections * (baseWindows + 1) - main.pairs.length
  /** @type {import('../lib/context.mjs').Pair[]} */
  const more = missing > 0 ? await main.server.command('openSessions', { prefix: USER_PREFIX, count: missing, users: TOKENS }) : []
  const base = { key: 'refresh memory', measure: throughputOf(main.server, refreshRequests([...main.pairs, ...more].map((pair) => pair.refresh_token)), settings.connections) }
  const results = await bracket({ base, others, rounds: settings.rounds, seconds: settings.seconds, warmup: settings.warmup, log: ctx.log })
  const sqlite = databases[KINDS.indexOf('sqlite')]
  if (typeof sqlite === 'object') await ctx.stop(sqlite)
  const unit = 'req/s'
  /**
   * @param {typeof KINDS[number]} kind @param {string} id
   * @param {{ against?: 'memory' | typeof KINDS[number], goal?: import('../lib/rounds.mjs').Goal }} [options]
   */
  const database = (kind, id, { against = 'memory', goal } = {}) => {
    const scenario = `Refresh on ${NAMES[kind]} vs refresh on ${NAMES[against]}`
    const why = notRun[kind] ?? (against === 'memory' ? undefined : notRun[against])
    return why !== undefined
      ? notRunRow(id, scenario, goal ?? null, why)
      : ratioRow({ id, scenario, results, a: `refresh ${kind}`, b: `refresh ${against}`, aLabel: NAMES[kind], bLabel: NAMES[against], unit, goal: goal ?? null })
  }
  return [
    ratioRow({ id: '6a', scenario: 'Refresh (rotation) on memory storage vs our protected route', results, a: 'refresh memory', b: 'protected', aLabel: 'POST /auth/refresh', bLabel: 'GET /protected/hello', unit, goal: { op: '>=', value: 0.5 } }),
    database('mysql', '6b'),
    database('mongodb', '6c'),
    database('sqlite', '6d', { goal: { op: '>=', value: 0.5 } }),
    database('postgres', '6e', { against: 'mysql', goal: { op: '>=', value: 1 } })
  ]
}

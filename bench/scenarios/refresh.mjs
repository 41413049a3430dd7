// @ts-check
/**
 * Scenario 6: refresh-token rotation. Every request presents the current refresh token of one of
 * the sessions and puts the rotated one back in the pool (bench/lib/load.mjs refreshRequests), so
 * each is a real rotation. Memory storage against our protected route on the same server; MySQL
 * and MongoDB (fresh databases, when MYSQL_URL / MONGODB_URL are set) against memory.
 *
 * The database servers (100 users) stay up for scenario 8, which uses them as its "100 users" side.
 */
import { DATABASE_VARIABLES, freshDatabase, serverUrlOf } from '../lib/databases.mjs'
import { bearerRequests, refreshRequests } from '../lib/load.mjs'
import { thenQuiet } from '../lib/quiet.mjs'
import { bracket, notRunRow, ratioRow } from '../lib/rounds.mjs'
import { throughputOf } from './protected.mjs'
import { TOKENS } from '../lib/context.mjs'

export const KINDS = /** @type {const} */ (['mysql', 'mongodb'])
export const NAMES = { memory: 'memory', mysql: 'MySQL', mongodb: 'MongoDB' }

/**
 * Our server on a fresh database of `kind`, or why there is none.
 * @param {import('../lib/context.mjs').Context} ctx
 * @param {'mysql' | 'mongodb'} kind
 * @param {string} label part of the database name
 * @returns {Promise<import('../lib/processes.mjs').Server | string>}
 */
export async function databaseServer (ctx, kind, label) {
  const serverUrl = serverUrlOf(kind)
  if (serverUrl === undefined) return `${DATABASE_VARIABLES[kind]} is not set (source .ci/services.sh)`
  try {
    const database = await freshDatabase(kind, serverUrl, `bench_${ctx.runId}_${label}`)
    ctx.atEnd(database.drop)
    const [server] = await ctx.startAll([{ name: `ours ${NAMES[kind]} (${label})`, env: { STORAGE_URL: database.url } }])
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
  const base = { key: 'refresh memory', measure: throughputOf(main.server, refreshRequests(main.pairs.map((pair) => pair.refresh_token)), settings.connections) }
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
    ctx.shared.set(`few ${kind}`, { server, tokens: pairs.slice(0, TOKENS).map((pair) => pair.access_token) })
    // The database answers the refreshes still in flight after each round: wait for it (see bench/lib/quiet.mjs).
    others.push({ key: `refresh ${kind}`, measure: thenQuiet(throughputOf(server, refreshRequests(pairs.map((pair) => pair.refresh_token)), settings.connections)) })
  }
  const results = await bracket({ base, others, rounds: settings.rounds, seconds: settings.seconds, warmup: settings.warmup, log: ctx.log })
  const unit = 'req/s'
  const database = (/** @type {'mysql' | 'mongodb'} */ kind, /** @type {string} */ id) => {
    const scenario = `Refresh on ${NAMES[kind]} vs refresh on memory`
    const why = notRun[kind]
    return why !== undefined
      ? notRunRow(id, scenario, null, why)
      : ratioRow({ id, scenario, results, a: `refresh ${kind}`, b: 'refresh memory', aLabel: NAMES[kind], bLabel: 'memory', unit, goal: null })
  }
  return [
    ratioRow({ id: '6a', scenario: 'Refresh (rotation) on memory storage vs our protected route', results, a: 'refresh memory', b: 'protected', aLabel: 'POST /auth/refresh', bLabel: 'GET /protected/hello', unit, goal: { op: '>=', value: 0.5 } }),
    database('mysql', '6b'),
    database('mongodb', '6c')
  ]
}

// @ts-check
/**
 * Scenario 7: the protected route with N revoked sessions in the in-memory revocation view
 * against a server with none (memory storage, started together), in bracketed rounds, and the
 * memory those revocations cost. The probe puts them where a logout puts them (the view and
 * store.recordRevocations), revoked 60 to 20 s before and alive for one access-token lifetime,
 * and reads the heap and ArrayBuffer memory after a full GC around each step.
 */
import { bearerRequests, median } from '../lib/load.mjs'
import { bracket, formatNumber, ratioRow } from '../lib/rounds.mjs'
import { throughputOf } from './protected.mjs'

/** @typedef {import('../lib/processes.mjs').Server} Server */

/** The server's default ACCESS_TOKEN_TTL: how long a revocation stays in the view. */
const ACCESS_TOKEN_TTL = 900

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const { settings } = ctx
  const count = settings.revocations
  const label = count.toLocaleString('en-US')
  // Fresh servers started together, so that they differ only in the revocations: none; N in the
  // view only (what a MySQL or MongoDB deployment holds in memory); N in the view and in the
  // memory store (memory storage keeps its own copy of every revocation record).
  const servers = /** @type {[Server, Server, Server]} */ (await ctx.startAll([
    { name: 'ours, no revocations' }, { name: `ours, ${count} revocations in the view` }, { name: `ours, ${count} revocations in the view and the memory store` }
  ]))
  try {
    const [none, view, both] = servers
    const tokens = await Promise.all(servers.map((server) => ctx.accessTokens(server)))
    const started = performance.now()
    // The server without revocations goes through the same seeding steps (and full GCs) with none.
    await none.command('seedRevocations', { count: 0, ttlSeconds: ACCESS_TOKEN_TTL })
    await view.command('seedRevocations', { count, ttlSeconds: ACCESS_TOKEN_TTL, store: false })
    const memory = await both.command('seedRevocations', { count, ttlSeconds: ACCESS_TOKEN_TTL })
    ctx.log(`  ${label} revocations stored twice in ${((performance.now() - started) / 1000).toFixed(1)} s; view size ${memory.viewSize}`)
    const results = await bracket({
      base: { key: 'none', measure: throughputOf(none, bearerRequests('/protected/hello', tokens[0] ?? []), settings.connections) },
      others: [
        { key: 'view', measure: throughputOf(view, bearerRequests('/protected/hello', tokens[1] ?? []), settings.connections) },
        { key: 'view and store', measure: throughputOf(both, bearerRequests('/protected/hello', tokens[2] ?? []), settings.connections) }
      ],
      rounds: settings.rounds,
      seconds: settings.seconds,
      // Longer than elsewhere: right after seeding, V8 is still collecting and compacting what the
      // seeding left behind, which slowed the first rounds by 10 to 20 % in trial runs.
      warmup: settings.warmup * 3,
      log: ctx.log
    })
    // V8's memory reducer would run on a seeded server once it has idled a while after its heap
    // grew, and land in whichever server is being measured on the shared core. It is off in every
    // server here (STEADY_STATE_FLAGS); the count checks that.
    const reducer = await Promise.all([view, both].map((server) => server.command('collectionsSinceSeeding')))
    const reducerNote = `V8's memory reducer (off: --no-memory-reducer), collections after seeding: ${reducer.map((r, i) => `${r.reducerCollections} collections (${Math.round(r.reducerPauseMs)} ms of pauses) in the server with ${i === 0 ? 'the view' : 'the view and the store'}`).join(', ')}`
    const gcShare = (/** @type {string} */ key) => `${(median((results.measurements[key] ?? []).map((m) => Number(m.gcShare))) * 100).toFixed(1)} %`
    const goal = /** @type {const} */ ({ op: '>=', value: 0.95 })
    return [
      ratioRow({ id: '7a', scenario: `Protected route with ${label} revoked sessions in the revocation view vs none`, results, a: 'view', b: 'none', aLabel: `${label} revoked`, bLabel: 'none', unit: 'req/s', goal }),
      {
        id: '7b',
        scenario: 'Memory per revoked session in the revocation view (V8 heap and ArrayBuffers after a full GC)',
        a: `revocation view: ${formatNumber(memory.viewBytesPerSession)} B each, ${formatNumber(memory.viewOffHeapBytesPerSession)} B of it outside the V8 heap; with memory storage the store's own record adds ${formatNumber(memory.storeBytesPerSession)} B`,
        b: `server RSS ${mb(memory.rssBefore)} before, ${mb(memory.rssAfter)} after (view and store)`,
        value: memory.viewBytesPerSession,
        unit: 'B',
        goal: null,
        status: /** @type {const} */ ('info'),
        note: `every instance holds the view, whatever the storage; the store record exists only with memory storage (with MySQL or MongoDB it lives in the database); ${reducerNote}`,
        detail: { ...memory, memoryReducer: reducer }
      },
      ratioRow({
        id: '7c',
        scenario: `The same with memory storage, whose store also keeps the ${label} revocation records`,
        results,
        a: 'view and store',
        b: 'none',
        aLabel: `${label} revoked`,
        bLabel: 'none',
        unit: 'req/s',
        goal,
        note: `time in garbage collection during the rounds: ${gcShare('none')} with none, ${gcShare('view')} with the view, ${gcShare('view and store')} with the view and the store's records`
      })
    ]
  } finally {
    await ctx.stop(...servers)
  }
}

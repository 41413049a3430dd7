import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import type { AuditEvent } from '../../services/audit.js'
import type { Store } from '../../services/storage/types.js'
import { forEachAdapter } from '../adapters/databases.js'
import { build, register, uniqueName } from '../helper.js'

/** Events written through the sink right before close: more than one storage round trip finishes in the meantime. */
const EMITTED = 300
/** Failed logins whose audit writes the request does not wait for. */
const FAILED_LOGINS = 10
/** Above every count this test stores. */
const PAGE = 1000

/**
 * Failed logins (each answered before its audit write ends), then EMITTED events, then close at
 * once. The accounts exist: a login_failure names only an existing account.
 */
async function auditThenClose (t: Test, app: FastifyInstance, marker: string): Promise<void> {
  const trail = app.auditTrail
  if (trail === null) throw new Error('AUDIT_LOG=storage expected')
  for (let i = 0; i < FAILED_LOGINS; i++) await register(app, `${marker}_${i}`)
  const logins = await Promise.all(Array.from({ length: FAILED_LOGINS }, (_, i) => app.inject({
    method: 'POST', url: '/auth/login', payload: { username: `${marker}_${i}`, password: 'not a password anyone has' }
  })))
  t.same(logins.map((res) => res.statusCode), Array(FAILED_LOGINS).fill(401))
  for (let i = 0; i < EMITTED; i++) trail.sink({ event: 'token_revoked', username: `${marker}_${i}`, reason: 'close test' } satisfies AuditEvent)
  await app.close()
}

async function storedFor (store: Pick<Store, 'listAuditEvents'>, marker: string) {
  const records = await store.listAuditEvents({ limit: PAGE })
  const mine = records.filter((record) => String(JSON.parse(record.data).username).startsWith(`${marker}_`))
  return {
    failures: mine.filter((record) => record.event === 'login_failure').length,
    emitted: mine.filter((record) => record.event === 'token_revoked').length
  }
}

/**
 * The memory store made to behave like a database behind a pool: a write ends a macrotask later,
 * and a write that ends after close() is lost (as a query on a closed pool fails).
 */
function likeAPool (store: Store): void {
  let closed = false
  const record = store.recordAuditEvents.bind(store)
  const close = store.close.bind(store)
  store.recordAuditEvents = async (records) => {
    await new Promise((resolve) => setImmediate(resolve))
    if (closed) throw new Error('the store is closed')
    await record(records)
  }
  store.close = async () => { closed = true; await close() }
}

t.test('AUDIT_LOG=storage on memory - events emitted right before close are stored', async (t) => {
  const app = await build(t, { env: { AUDIT_LOG: 'storage' } })
  const store = app.store
  likeAPool(store)
  const marker = uniqueName('close')
  await auditThenClose(t, app, marker)
  t.same(await storedFor(store, marker), { failures: FAILED_LOGINS, emitted: EMITTED })
})

forEachAdapter(t, async (t, database) => {
  t.test(`AUDIT_LOG=storage on ${database.kind} - every write in flight at close ends in the database`, async (t) => {
    const env = { AUDIT_LOG: 'storage', STORAGE_URL: database.url }
    const marker = uniqueName('close')
    await auditThenClose(t, await build(t, { env }), marker)
    // A new app on the same database reads what the first one stored before its storage closed.
    const reader = await build(t, { env })
    t.same(await storedFor(reader.store, marker), { failures: FAILED_LOGINS, emitted: EMITTED })
  })
})

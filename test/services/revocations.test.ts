import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createRevocationView } from '../../services/revocations.js'
import { createMemoryStore } from '../../services/storage/memory.js'

function revocation (revokedAt: number, ttlMs = 60_000) {
  return { sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(revokedAt), expiresAt: new Date(revokedAt + ttlMs) }
}

t.test('RevocationView - should see, after one sync, what another instance recorded in the shared store', async (t) => {
  const store = createMemoryStore()
  const clock = { now: 1_000_000 }
  const options = { store, now: () => clock.now, syncIntervalMs: 1000, onSyncError: (error: unknown) => { throw error } }
  const instanceA = createRevocationView(options)
  const instanceB = createRevocationView(options)
  await instanceA.load()
  await instanceB.load()

  const entry = revocation(clock.now)
  instanceA.add([entry])
  await store.recordRevocations([entry])
  t.equal(instanceA.isRevoked(entry.sessionId), true, 'effective at once where it happened')
  t.equal(instanceB.isRevoked(entry.sessionId), false, 'not yet on the other instance')
  clock.now += 1000
  await instanceB.sync()
  t.equal(instanceB.isRevoked(entry.sessionId), true, 'on the other instance after its next sync')
})

t.test('RevocationView - should see a revocation recorded by another instance whatever its revokedAt says', async (t) => {
  const store = createMemoryStore()
  const clock = { now: 10_000_000 }
  const view = createRevocationView({ store, now: () => clock.now, syncIntervalMs: 1000, onSyncError: (error: unknown) => { throw error } })
  await view.load()
  clock.now += 60_000
  await view.sync()
  // Another instance whose clock runs 30 s behind, or whose write committed late: revokedAt is in
  // the past of every sync this view already made, while the record is still alive.
  const late = revocation(clock.now - 30_000, 600_000)
  await store.recordRevocations([late])
  clock.now += 1000
  await view.sync()
  t.equal(view.isRevoked(late.sessionId), true)
})

t.test('RevocationView - should load live revocations at start and drop expired ones', async (t) => {
  const store = createMemoryStore()
  const clock = { now: 5_000_000 }
  const live = revocation(clock.now - 1000)
  const dead = revocation(clock.now - 120_000)
  await store.recordRevocations([dead, live])
  const view = createRevocationView({ store, now: () => clock.now, syncIntervalMs: 1000, onSyncError: () => {} })
  await view.load()
  t.equal(view.isRevoked(live.sessionId), true)
  t.equal(view.isRevoked(dead.sessionId), false)
  clock.now += 60_000
  await view.sync()
  t.equal(view.isRevoked(live.sessionId), false, 'gone once every access token of the session has expired')
  t.equal(view.size, 0)
})

t.test('RevocationView - should keep its entries when a sync fails, and report the error', async (t) => {
  const store = createMemoryStore()
  const entry = revocation(Date.now())
  const view = createRevocationView({ store, now: Date.now, syncIntervalMs: 1000, onSyncError: () => {} })
  view.add([entry])
  store.listRevocationsAfter = async () => { throw new Error('storage down') }
  await t.rejects(view.sync(), /storage down/)
  t.equal(view.isRevoked(entry.sessionId), true)
})

t.test('RevocationView - should sync on its interval once started, and stop', async (t) => {
  const store = createMemoryStore()
  const view = createRevocationView({ store, now: Date.now, syncIntervalMs: 50, onSyncError: () => {} })
  const entry = revocation(Date.now())
  await store.recordRevocations([entry])
  const synced = new Promise<void>((resolve) => {
    const original = store.listRevocationsAfter.bind(store)
    store.listRevocationsAfter = async (...args) => { const found = await original(...args); resolve(); return found }
  })
  const keepAlive = setTimeout(() => {}, 10_000) // the view's own timer is unref'd by design
  view.start()
  t.teardown(() => { view.stop(); clearTimeout(keepAlive) })
  await synced
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(view.isRevoked(entry.sessionId), true)
})

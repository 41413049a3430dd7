import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import { createAuditIds } from '../../services/audit-trail.js'
import type { AuditRecord } from '../../services/storage/types.js'
import type { StoreFactory } from './contract.js'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')

/** Contract cases for stored audit events (run by storeContract). */
export function auditContract (t: Test, makeStore: StoreFactory): void {
  t.test('audit events - should list newest first, by user, in pages, with every field as stored', async (t) => {
    const store = await makeStore(t)
    let clock = T0
    const nextId = createAuditIds(() => clock)
    const alice = randomUUID()
    const bob = randomUUID()
    const records: AuditRecord[] = []
    for (let i = 0; i < 7; i++) {
      clock += i % 2 === 0 ? 0 : 1234 // some in the same millisecond
      const userId = i === 3 ? null : i % 2 === 0 ? alice : bob
      records.push({ id: nextId(), at: new Date(clock), event: i === 3 ? 'login_failure' : 'login_success', userId, data: JSON.stringify({ ip: '127.0.0.1', n: i, note: 'ünïcødé 🔑' }) })
    }
    // Stored in two calls, the second one out of order: the list follows the ids, not the calls.
    await store.recordAuditEvents(records.slice(0, 4))
    await store.recordAuditEvents([records[6], records[4], records[5]] as AuditRecord[])
    await store.recordAuditEvents([])
    const newestFirst = [...records].reverse()
    t.same(await store.listAuditEvents({ limit: 100 }), newestFirst)
    t.same(await store.listAuditEvents({ limit: 3 }), newestFirst.slice(0, 3))
    t.same(await store.listAuditEvents({ limit: 3, before: newestFirst[2]?.id }), newestFirst.slice(3, 6))
    t.same(await store.listAuditEvents({ limit: 100, userId: alice }), newestFirst.filter((record) => record.userId === alice))
    t.same(await store.listAuditEvents({ limit: 1, userId: bob, before: newestFirst[0]?.id }), [newestFirst.find((record) => record.userId === bob)])
    t.same(await store.listAuditEvents({ limit: 10, userId: randomUUID() }), [])
    t.same(await store.listAuditEvents({ limit: 10, before: records[0]?.id }), [], 'nothing before the first')
  })
}

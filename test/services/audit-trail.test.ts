import t from 'tap'
import { createAuditIds, createAuditTrail, toAuditRecord } from '../../services/audit-trail.js'
import type { AuditEvent } from '../../services/audit.js'
import { createMemoryAudit } from '../../services/storage/memory-audit.js'

t.test('audit ids - 26 characters of [0-9a-z] that sort by time, also within one millisecond', async (t) => {
  let clock = Date.parse('2026-11-26T12:00:00.000Z')
  const nextId = createAuditIds(() => clock)
  const ids: string[] = []
  for (let i = 0; i < 2000; i++) {
    if (i % 500 === 0) clock += 1
    ids.push(nextId())
  }
  for (const id of ids) t.match(id, /^[0-9a-z]{26}$/)
  t.same([...ids].sort(), ids, 'string order is creation order')
  t.equal(new Set(ids).size, ids.length)
  const otherInstance = createAuditIds(() => clock)
  const sameMoment = createAuditIds(() => clock)
  t.not(otherInstance(), sameMoment(), 'two instances at the same millisecond and sequence still differ (random tail)')
})

t.test('audit record - the user apart, every other field as JSON, nothing added', async (t) => {
  const event: AuditEvent = { event: 'login_failure', username: 'alice', reason: 'wrong_password', ip: '10.0.0.1' }
  const record = toAuditRecord(event, 'x'.repeat(26), new Date(0))
  t.same(record, { id: 'x'.repeat(26), at: new Date(0), event: 'login_failure', userId: null, data: JSON.stringify({ username: 'alice', reason: 'wrong_password', ip: '10.0.0.1' }) })
  t.equal(toAuditRecord({ event: 'logout', userId: 'u1', sessionId: 's1' }, 'y', new Date(0)).userId, 'u1')
})

t.test('audit trail - logs every event, stores it without waiting, flush waits for the writes, a failed write is reported', async (t) => {
  const logged: string[] = []
  const failures: string[] = []
  const memory = createMemoryAudit()
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  let fail = false
  const trail = createAuditTrail({
    store: {
      recordAuditEvents: async (records) => {
        await gate
        if (fail) throw new Error('storage down')
        await memory.recordAuditEvents(records)
      },
      listAuditEvents: memory.listAuditEvents
    },
    now: () => Date.parse('2026-11-26T12:00:00.000Z'),
    log: (event) => { logged.push(event.event) },
    onWriteError: (error, event) => { failures.push(`${event.event}: ${String(error)}`) }
  })
  trail.sink({ event: 'register', userId: 'u1' })
  trail.sink({ event: 'login_success', userId: 'u1', sessionId: 's1' })
  t.same(logged, ['register', 'login_success'], 'logged at once')
  t.same(await trail.list({ limit: 10 }), [], 'the writes are still waiting')
  const flushed = trail.flush()
  release()
  await flushed
  t.same((await trail.list({ limit: 10 })).map((record) => record.event), ['login_success', 'register'])
  fail = true
  trail.sink({ event: 'logout', userId: 'u1' })
  await trail.flush()
  t.same(failures, ['logout: Error: storage down'])
  t.same(logged, ['register', 'login_success', 'logout'], 'still logged')
})

t.test('audit trail - flush also waits for the writes of events emitted while it waits', async (t) => {
  const memory = createMemoryAudit()
  const gates: Array<() => void> = []
  const trail = createAuditTrail({
    store: {
      recordAuditEvents: async (records) => {
        await new Promise<void>((resolve) => gates.push(resolve))
        await memory.recordAuditEvents(records)
      },
      listAuditEvents: memory.listAuditEvents
    },
    now: () => 0,
    log: () => {},
    onWriteError: (error) => { throw error }
  })
  trail.sink({ event: 'logout', userId: 'u1' })
  let flushed = false
  const flushing = trail.flush().then(() => { flushed = true })
  trail.sink({ event: 'logout', userId: 'u2' })
  gates.shift()?.()
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(flushed, false, 'the second write is still in flight')
  gates.shift()?.()
  await flushing
  t.same((await trail.list({ limit: 10 })).map((record) => record.userId).sort(), ['u1', 'u2'])
})

t.test('memory audit - keeps the newest events, trimming back to its capacity past a tenth more', async (t) => {
  const memory = createMemoryAudit(10)
  const record = (id: string) => ({ id, at: new Date(0), event: 'refresh', userId: null, data: '{}' })
  const ids = Array.from({ length: 11 }, (_, i) => String(i).padStart(2, '0'))
  for (const id of ids) await memory.recordAuditEvents([record(id)])
  t.same((await memory.listAuditEvents({ limit: 100 })).map((entry) => entry.id), [...ids].reverse(), '11 kept: within the slack')
  await memory.recordAuditEvents([record('11')])
  t.same((await memory.listAuditEvents({ limit: 100 })).map((entry) => entry.id), ['11', '10', '09', '08', '07', '06', '05', '04', '03', '02'], 'trimmed to the newest 10')
  await memory.recordAuditEvents([record('05a')])
  t.equal((await memory.listAuditEvents({ limit: 100 })).map((entry) => entry.id).indexOf('05a'), 6, 'an older id lands in its place')
})

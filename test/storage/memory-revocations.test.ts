import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createRevocationLog } from '../../services/storage/memory-revocations.js'
import type { Revocation } from '../../services/storage/types.js'
import { formatUuid, parseUuid, uuidWords } from '../../services/uuid-words.js'
import { seededRandom } from '../seeded-random.js'

const revocation = (sessionId: string, userId: string, revokedAt: number, expiresAt: number): Revocation =>
  ({ sessionId, userId, revokedAt: new Date(revokedAt), expiresAt: new Date(expiresAt) })

t.test('formatUuid - should give back every lowercase UUID parseUuid reads, leading zeros included', async (t) => {
  const ids = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '00000001-000a-00b0-0c00-d0000000000e', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
    ...Array.from({ length: 200 }, () => randomUUID())]
  let wrong = 0
  for (const id of ids) {
    if (!parseUuid(id)) wrong++
    else if (formatUuid(uuidWords[0] ?? 0, uuidWords[1] ?? 0, uuidWords[2] ?? 0, uuidWords[3] ?? 0) !== id) wrong++
  }
  t.equal(wrong, 0, `${ids.length} ids round-trip`)
})

t.test('RevocationLog - should give back every id as it went in, whatever its form', async (t) => {
  const log = createRevocationLog()
  const uuid = randomUUID()
  const records = [
    revocation(uuid, randomUUID(), 1000, 9000),
    revocation(uuid.toUpperCase(), 'user-7', 1001, 9000),
    revocation('session-1', '', 1002, 9000),
    revocation(uuid.replace(/-/g, ''), uuid.toUpperCase(), 1003, 9000),
    revocation('é'.repeat(36), `{${uuid}}`, 1004, 9000)
  ]
  for (const record of records) t.equal(log.add(record), true)
  t.same(log.listAfter(0, 0).revocations, records)
  t.equal(log.size, records.length)
})

t.test('RevocationLog - should ignore a repeated session, whatever else the repeat says', async (t) => {
  const log = createRevocationLog()
  const first = revocation(randomUUID(), randomUUID(), 1000, 5000)
  const text = revocation('not-a-uuid', randomUUID(), 1000, 5000)
  log.add(first)
  log.add(text)
  t.equal(log.add({ ...first, revokedAt: new Date(500), expiresAt: new Date(9000) }), false)
  t.equal(log.add({ ...text, userId: 'someone-else' }), false)
  t.same(log.listAfter(0, 0).revocations, [first, text])
})

t.test('RevocationLog - should hand out copies', async (t) => {
  const log = createRevocationLog()
  const record = revocation(randomUUID(), randomUUID(), 1000, 5000)
  log.add(record)
  const [copy] = log.listAfter(0, 0).revocations
  copy?.expiresAt.setTime(0)
  record.revokedAt.setTime(0)
  t.same(log.listAfter(0, 0).revocations, [revocation(record.sessionId, record.userId, 1000, 5000)])
})

t.test('RevocationLog - should forget a pruned session, so that it can be recorded again', async (t) => {
  const log = createRevocationLog()
  const uuid = revocation(randomUUID(), randomUUID(), 1000, 2000)
  const text = revocation('text-session', 'text-user', 1100, 2000)
  const alive = revocation(randomUUID(), 'text-user', 1200, 9000)
  for (const record of [uuid, text, alive]) log.add(record)
  t.equal(log.prune(1999), 0, 'nothing expired yet')
  t.equal(log.prune(2000), 2, 'expired at its expiry')
  t.same(log.listAfter(0, 0).revocations, [alive])
  const again = [{ ...uuid, revokedAt: new Date(3000) }, { ...text, revokedAt: new Date(3001) }]
  for (const record of again) t.equal(log.add(record), true)
  t.same(log.listAfter(0, 0).revocations, [alive, ...again])
})

/** The same operations on a plain list in record order: what the log must answer. */
function modelOf (): { add: (record: Revocation) => boolean, listAfter: (cursor: number, now: number) => Revocation[], prune: (now: number) => number, readonly last: number } {
  let list: Array<{ record: Revocation, sequence: number }> = []
  let last = 0
  return {
    add (record) {
      if (list.some((held) => held.record.sessionId === record.sessionId)) return false
      list.push({ record, sequence: ++last })
      return true
    },
    listAfter: (cursor, now) => list.filter((held) => held.sequence > cursor && held.record.expiresAt.getTime() > now).map((held) => held.record),
    prune (now) {
      const before = list.length
      list = list.filter((held) => held.record.expiresAt.getTime() > now)
      return before - list.length
    },
    get last () { return last }
  }
}

t.test('RevocationLog - should answer as a list in record order would, through growth, past revokedAts, repeats and prunes', async (t) => {
  for (const seed of [1, 2, 3]) {
    const random = seededRandom(seed)
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T
    const log = createRevocationLog()
    const model = modelOf()
    const sessions: string[] = []
    const users = [randomUUID(), randomUUID(), 'user-a', '']
    let clock = 0
    let mismatches = 0
    let adds = 0
    let prunes = 0
    let largest = 0
    for (let step = 0; step < 6000; step++) {
      const roll = random()
      if (roll < 0.8) {
        // Mostly new sessions in clock order; some revoked in the past (listed after the cursor all the same), some repeats.
        const session = sessions.length > 0 && random() < 0.1 ? pick(sessions) : (random() < 0.05 ? `s-${step}` : randomUUID())
        sessions.push(session)
        clock += Math.floor(random() * 3)
        const revokedAt = random() < 0.1 ? Math.floor(random() * clock) : clock
        const record = revocation(session, pick(users), revokedAt, revokedAt + 50 + Math.floor(random() * 3000))
        if (log.add(record) !== model.add(record)) mismatches++
        adds++
        largest = Math.max(largest, log.size)
      } else if (roll < 0.83) {
        const now = clock - 1000 + Math.floor(random() * 2000)
        if (log.prune(now) !== model.prune(now)) mismatches++
        prunes++
      } else {
        const cursor = Math.floor(random() * (model.last + 1))
        const now = Math.floor(random() * (clock + 500))
        const page = log.listAfter(cursor, now)
        if (JSON.stringify(page.revocations) !== JSON.stringify(model.listAfter(cursor, now)) || page.cursor !== model.last) mismatches++
      }
    }
    t.equal(mismatches, 0, `seed ${seed}: ${adds} adds and ${prunes} prunes, every answer as the model's`)
    t.same(log.listAfter(0, 0).revocations, model.listAfter(0, 0), `seed ${seed}: the same records at the end`)
    t.ok(largest > 1024, `seed ${seed}: grew past its first capacity (${largest} records at most)`)
  }
})

t.test('RevocationLog - should shrink after a large prune and keep finding what is left', async (t) => {
  const log = createRevocationLog()
  const records = Array.from({ length: 5000 }, (_, i) => revocation(randomUUID(), randomUUID(), i, i < 4990 ? 100_000 : 200_000))
  for (const record of records) log.add(record)
  const grown = log.byteLength
  t.equal(log.prune(150_000), 4990)
  t.ok(log.byteLength < grown / 4, `${grown} bytes of columns and index before, ${log.byteLength} after`)
  const left = records.slice(4990)
  t.same(log.listAfter(0, 0).revocations, left)
  for (const record of left) t.equal(log.add(record), false, 'a kept session is still known')
  t.equal(log.add(records[0] as Revocation), true, 'a pruned one is not')
})

t.test('RevocationLog - should keep finding sessions through many prunes that leave it as large as it was', async (t) => {
  const log = createRevocationLog()
  const held: Revocation[] = []
  let wrong = 0
  // 700 live records in room for 1,024: no prune shrinks it, and each one leaves 100 index slots deleted.
  for (let cycle = 0; cycle < 40; cycle++) {
    while (held.length < 700) {
      const time = cycle * 1000 + held.length
      const record = revocation(randomUUID(), randomUUID(), time, time + 1000)
      held.push(record)
      if (!log.add(record)) wrong++
    }
    const expired = held.splice(0, 100)
    if (log.prune((expired.at(-1) as Revocation).expiresAt.getTime()) !== 100) wrong++
    for (const record of expired.slice(0, 10)) if (!log.add({ ...record, revokedAt: new Date(cycle * 1000 + 999), expiresAt: new Date(0) })) wrong++
    log.prune(0)
    for (const record of held.slice(-50)) if (log.add(record)) wrong++
  }
  t.equal(wrong, 0, '40 cycles of adds, prunes and repeats answered right')
  t.same(log.listAfter(0, 0).revocations, held)
})

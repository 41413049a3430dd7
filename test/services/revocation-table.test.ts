import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createRevocationTable } from '../../services/revocation-table.js'
import { seededRandom } from '../seeded-random.js'

/** The same UUID with its hex digit at `position` changed. */
function oneDigitOff (id: string, position: number): string {
  const digit = id[position] === 'f' ? '0' : (parseInt(id[position] ?? '0', 16) + 1).toString(16)
  return id.slice(0, position) + digit + id.slice(position + 1)
}

const HEX_POSITIONS = [...Array(36).keys()].filter((i) => ![8, 13, 18, 23].includes(i))

t.test('RevocationTable - should find every id it holds, and no other, whatever the id looks like', async (t) => {
  const table = createRevocationTable()
  const uuid = 'f47ac10b-58cc-4372-a567-0e02b2c3d479'
  const others = ['session-1', '', 'x'.repeat(36), uuid.toUpperCase(), uuid.replace(/-/g, ''), `{${uuid}}`,
    `${uuid.slice(0, 8)}${uuid.slice(9, 10)}-${uuid.slice(10)}`, 'g'.repeat(8) + uuid.slice(8), 'é'.repeat(8) + uuid.slice(8)]
  table.add(uuid, 10)
  for (const id of others) t.equal(table.has(id), false, `${JSON.stringify(id)} not held`)
  for (const position of HEX_POSITIONS) {
    t.equal(table.has(oneDigitOff(uuid, position)), false, `a uuid one digit off at ${position} is another id`)
  }
  for (const id of others) table.add(id, 10)
  t.equal(table.size, others.length + 1)
  for (const id of [uuid, ...others]) t.equal(table.has(id), true, `${JSON.stringify(id)} held`)
  t.equal(table.has(uuid.replace('f', 'F')), false, 'mixed case is its own id')
})

t.test('RevocationTable - should tell apart ids that share three of their four 32-bit parts', async (t) => {
  const random = seededRandom(7)
  const hex = (digits: number): string => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('')
  const base = 'f47ac10b-58cc-4372-a567-0e02b2c3d479'
  // Each family varies one part (chars 0-7, 9-17, 19-27, 28-35) and keeps the other three.
  const families: Array<() => string> = [
    () => hex(8) + base.slice(8),
    () => `${base.slice(0, 9)}${hex(4)}-${hex(4)}${base.slice(18)}`,
    () => `${base.slice(0, 19)}${hex(4)}-${hex(4)}${base.slice(28)}`,
    () => base.slice(0, 28) + hex(8)
  ]
  for (const [part, member] of families.entries()) {
    const table = createRevocationTable()
    const held = new Set<string>()
    while (held.size < 700) held.add(member())
    for (const id of held) table.add(id, 1)
    let wrong = 0
    for (let i = 0; i < 2000; i++) {
      const id = member()
      if (table.has(id) !== held.has(id)) wrong++
    }
    t.equal(wrong, 0, `part ${part}: 2,000 lookups of family members, held or not`)
  }
})

t.test('RevocationTable - should keep the first expiry of an id added twice', async (t) => {
  const table = createRevocationTable()
  const id = randomUUID()
  table.add(id, 100)
  table.add(id, 50)
  table.add('other', 100)
  table.add('other', 50)
  t.equal(table.size, 2)
  table.pruneExpired(60)
  t.equal(table.has(id), true)
  t.equal(table.has('other'), true)
  table.pruneExpired(100)
  t.equal(table.size, 0)
})

t.test('RevocationTable - should prune from the oldest entry and stop at the first one still alive', async (t) => {
  const table = createRevocationTable()
  const [early, late, afterLate] = [randomUUID(), randomUUID(), randomUUID()]
  table.add(early, 10)
  table.add(late, 100)
  table.add(afterLate, 20)
  table.pruneExpired(30)
  t.equal(table.has(early), false, 'expired and oldest: dropped')
  t.equal(table.has(late), true, 'alive')
  t.equal(table.has(afterLate), true, 'expired, but behind a live entry: kept until that one goes')
  table.pruneExpired(100)
  t.equal(table.size, 0)
  t.equal(table.has(late), false)
})

t.test('RevocationTable - should agree with a Map through growth, tombstones, compaction and shrinking', async (t) => {
  const LIFETIME = 5_000
  const random = seededRandom(20261127)
  const table = createRevocationTable()
  /** The reference: insertion order, pruned from the front up to the first live entry. */
  const model = new Map<string, number>()
  const everAdded: string[] = []
  let clock = 0
  let mismatches = 0
  let largest = 0
  const roomAfterQuietSpells: number[] = []
  const prune = (): void => {
    table.pruneExpired(clock)
    for (const [id, expiresAt] of model) {
      if (expiresAt > clock) break
      model.delete(id)
    }
  }
  for (let step = 1; step <= 60_000; step++) {
    clock += 1
    const roll = random()
    if (step % 15_000 === 0) {
      // A quiet spell longer than a lifetime: everything expires, the table shrinks.
      clock += LIFETIME + 1
      prune()
      roomAfterQuietSpells.push(table.byteLength)
    } else if (roll < 0.6) {
      // Revocation order with the same lifetime: expiry follows insertion, as logouts make it.
      const id = random() < 0.9 ? randomUUID() : `legacy-${step}`
      table.add(id, clock + LIFETIME)
      if (!model.has(id)) model.set(id, clock + LIFETIME)
      everAdded.push(id)
    } else if (roll < 0.62 && everAdded.length > 0) {
      const id = everAdded[Math.floor(random() * everAdded.length)] ?? ''
      table.add(id, clock + LIFETIME)
      if (!model.has(id)) model.set(id, clock + LIFETIME)
    } else if (roll < 0.63) {
      prune()
    } else {
      const id = random() < 0.5 && everAdded.length > 0 ? everAdded[Math.floor(random() * everAdded.length)] ?? '' : randomUUID()
      if (table.has(id) !== model.has(id)) mismatches++
    }
    if (table.size !== model.size) mismatches++
    largest = Math.max(largest, table.byteLength)
  }
  for (const id of everAdded) if (table.has(id) !== model.has(id)) mismatches++
  t.equal(mismatches, 0, 'has() and size agree with the Map at every step')
  t.ok(largest >= 4 * 32 * 1024, `grew to at least 4 times its first room (${largest} bytes)`)
  t.same(roomAfterQuietSpells, [32 * 1024, 32 * 1024, 32 * 1024, 32 * 1024], 'back to its first room after each quiet spell')
})

t.test('RevocationTable - should hold a million revoked sessions in about 34 bytes each, and give the room back', async (t) => {
  const table = createRevocationTable()
  const empty = table.byteLength
  const ids: string[] = []
  for (let i = 0; i < 1_000_000; i++) {
    const id = randomUUID()
    if (i % 1000 === 0) ids.push(id)
    table.add(id, i)
  }
  t.equal(table.size, 1_000_000)
  t.equal(ids.every((id) => table.has(id)), true, 'a sample of a thousand is found')
  t.equal(table.byteLength, 32 * 1024 * 1024, 'ids, expiries and index: 32 bytes a slot, 2^20 slots')
  table.pruneExpired(899_999)
  t.equal(table.size, 100_000)
  t.equal(table.byteLength, 8 * 1024 * 1024, 'copied into arrays for 2^18 entries once under an eighth full')
  t.equal(ids.filter((id) => table.has(id)).length, 100, 'the hundred sampled ids still alive are still found')
  table.pruneExpired(1_000_000)
  t.equal(table.size, 0)
  t.equal(table.byteLength, empty, 'back to its first room')
})

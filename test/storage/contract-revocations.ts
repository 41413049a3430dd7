import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { StoreFactory } from './contract.js'

const T0 = new Date('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)
const mk = (revokedSec: number, expiresSec: number) => ({ sessionId: randomUUID(), userId: randomUUID(), revokedAt: at(revokedSec), expiresAt: at(expiresSec) })

/** The revocation log: record order, cursors, concurrent writers, pruning. */
export function revocationContract (t: Test, makeStore: StoreFactory): void {
  t.test('recordRevocations - should list in record order after a cursor, whatever revokedAt says; skip expired ones, ignore repeats', async (t) => {
    const store = await makeStore(t)
    const early = mk(10, 1000)
    const late = mk(20, 1000)
    const dead = mk(15, 50)
    await store.recordRevocations([late, early, dead])
    await store.recordRevocations([{ ...early, revokedAt: at(30) }])
    const first = await store.listRevocationsAfter(0, at(60))
    t.same(first.revocations, [late, early])
    t.same(await store.listRevocationsAfter(first.cursor, at(60)), { revocations: [], cursor: first.cursor }, 'nothing new: the cursor stays')
    // Written by an instance whose clock is behind, or committed late: revokedAt before everything listed so far.
    const old = mk(1, 1000)
    await store.recordRevocations([old])
    const next = await store.listRevocationsAfter(first.cursor, at(60))
    t.same(next.revocations, [old], 'seen after the cursor all the same')
    t.ok(next.cursor > first.cursor)
    t.same((await store.listRevocationsAfter(0, at(40))).revocations, [late, early, dead, old])
  })

  t.test('recordRevocations - a reader syncing while many writers record never skips a record', async (t) => {
    const store = await makeStore(t)
    const writers = 8
    const perWriter = 4
    const seen = new Set<string>()
    const written: string[] = []
    let cursor = 0
    const state = { writing: true }
    const read = async () => {
      const page = await store.listRevocationsAfter(cursor, at(0))
      t.ok(page.cursor >= cursor, 'the cursor never moves back')
      cursor = page.cursor
      for (const revocation of page.revocations) seen.add(revocation.sessionId)
    }
    const reader = (async () => { while (state.writing) await read() })()
    // allSettled: a failed writer must not leave the others writing into the next test's store.
    const results = await Promise.allSettled(Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; i < perWriter; i++) {
        const batch = Array.from({ length: 1 + (i % 3) }, () => ({ sessionId: randomUUID(), userId: randomUUID(), revokedAt: at(writer - i), expiresAt: at(1000) }))
        await store.recordRevocations(batch)
        written.push(...batch.map((r) => r.sessionId))
      }
    }))
    state.writing = false
    await reader
    t.same(results.filter((result) => result.status === 'rejected'), [], 'every writer recorded its revocations')
    await read()
    t.equal(written.filter((id) => !seen.has(id)).length, 0, `all ${written.length} records seen by a reader that only ever moved forward`)
    t.equal((await store.listRevocationsAfter(0, at(0))).revocations.length, written.length)
  })

  t.test('pruneExpired - should keep live revocations, whatever their order, and forget expired ones for good', async (t) => {
    const store = await makeStore(t)
    const first = mk(10, 100)
    const second = mk(20, 1000)
    const third = mk(30, 60) // revoked after the others, expires before them
    // Recorded last and alive throughout: a store may keep its newest record even expired (MongoDB does).
    const newest = mk(5, 5000)
    await store.recordRevocations([first, second, third, newest])
    const stored = async () => (await store.listRevocationsAfter(0, at(0))).revocations
    await store.pruneExpired(at(50))
    t.same(await stored(), [first, second, third, newest], 'nothing expired: every record kept')
    await store.pruneExpired(at(70))
    t.same(await stored(), [first, second, newest], 'only the expired record goes, from the middle of the list')
    await store.pruneExpired(at(200))
    t.same(await stored(), [second, newest], 'then the first one')
    const again = { ...first, revokedAt: at(210), expiresAt: at(1200) }
    await store.recordRevocations([again])
    t.same(await stored(), [second, newest, again], 'a pruned session can be recorded as revoked again')
  })
}

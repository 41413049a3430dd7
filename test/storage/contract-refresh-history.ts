import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { StoreFactory } from './contract.js'
import { newUser } from './contract.js'

const HASH = () => randomUUID().replace(/-/g, '').padEnd(64, '0')
const T0 = new Date('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

/** Rotated refresh tokens are kept only as many as the service asks for (Rotation.keepRotated). */
export function refreshHistoryContract (t: Test, makeStore: StoreFactory): void {
  t.test('rotateRefreshToken - should keep the current token and the keepRotated newest rotated ones, and forget the rest for good', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const first = HASH()
    const sessionId = randomUUID()
    await store.createSession({ id: sessionId, userId: user.id, createdAt: at(0), lastUsedAt: at(0), expiresAt: at(3600), userAgent: null, ip: null, amr: ['pwd'], refreshHash: first })
    const hashes = [first]
    for (let i = 1; i <= 6; i++) {
      const nextHash = HASH()
      const rotation = { sessionId, currentHash: hashes.at(-1) as string, nextHash, now: at(i), expiresAt: at(3600 + i), keepRotated: 2 }
      t.equal(await store.rotateRefreshToken(rotation), true, `rotation ${i}`)
      hashes.push(nextHash)
    }
    const found = await Promise.all(hashes.map(async (hash) => await store.findRefreshToken(hash)))
    t.same(found.map((match) => match === null ? 'forgotten' : match.rotatedAt === null ? 'current' : 'rotated'),
      ['forgotten', 'forgotten', 'forgotten', 'forgotten', 'rotated', 'rotated', 'current'])
    t.same(found[4]?.rotatedAt, at(5), 'a kept token still says when it was rotated (for reuse detection)')
    for (const [i, hash] of hashes.slice(0, 6).entries()) {
      t.equal(await store.rotateRefreshToken({ sessionId, currentHash: hash, nextHash: HASH(), now: at(10), expiresAt: at(4000), keepRotated: 2 }), false, `token ${i} cannot rotate again`)
    }
    t.equal(await store.rotateRefreshToken({ sessionId, currentHash: hashes[6] as string, nextHash: HASH(), now: at(11), expiresAt: at(4000), keepRotated: 2 }), true, 'the current one can')
  })
}

import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { NewSession } from '../../services/storage/types.js'
import type { StoreFactory } from './contract.js'
import { newUser } from './contract.js'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '1')
const session = (userId: string): NewSession => ({
  id: randomUUID(), userId, createdAt: at(0), lastUsedAt: at(0), expiresAt: at(3600), userAgent: null, ip: null, amr: ['pwd'], refreshHash: hash()
})

/** Contract cases for account administration and login throttling (run by storeContract). */
export function accountContract (t: Test, makeStore: StoreFactory): void {
  t.test('listUsers - should page by normalised name and filter by a literal prefix', async (t) => {
    const store = await makeStore(t)
    for (const name of ['carol', 'alice', 'Bob', 'al_x', 'al%y', 'alan']) await store.createUser(newUser(name))
    const names = async (query: Parameters<typeof store.listUsers>[0]) => (await store.listUsers(query)).map((user) => user.usernameNormalized)
    t.same(await names({ limit: 10 }), ['al%y', 'al_x', 'alan', 'alice', 'bob', 'carol'])
    t.same(await names({ limit: 2 }), ['al%y', 'al_x'])
    t.same(await names({ limit: 2, after: 'al_x' }), ['alan', 'alice'])
    t.same(await names({ limit: 10, prefix: 'al' }), ['al%y', 'al_x', 'alan', 'alice'])
    t.same(await names({ limit: 10, prefix: 'al_' }), ['al_x'], '_ is not a wildcard')
    t.same(await names({ limit: 10, prefix: 'al%' }), ['al%y'], '% is not a wildcard')
    t.same(await names({ limit: 10, prefix: 'al', after: 'alan' }), ['alice'])
    t.same(await names({ limit: 10, prefix: 'zz' }), [])
  })

  t.test('updateUser - should change roles, disabled state and password hash, and nothing else', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    t.equal(await store.updateUser(user.id, { roles: ['user', 'admin'] }), true)
    t.equal(await store.updateUser(user.id, { disabledAt: at(5) }), true)
    t.same(await store.findUserById(user.id), { ...user, roles: ['user', 'admin'], disabledAt: at(5) })
    t.equal(await store.updateUser(user.id, { disabledAt: null, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA' }), true)
    t.same(await store.findUserByUsername(user.usernameNormalized), { ...user, roles: ['user', 'admin'], passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA' })
    t.equal(await store.updateUser(randomUUID(), { roles: [] }), false)
  })

  t.test('deleteUser - should remove the user, their sessions and refresh tokens, and free the name', async (t) => {
    const store = await makeStore(t)
    const [user, other] = [newUser(), newUser()]
    await store.createUser(user)
    await store.createUser(other)
    const mine = session(user.id)
    const theirs = session(other.id)
    await store.createSession(mine)
    await store.createSession(theirs)
    t.equal(await store.deleteUser(user.id), true)
    t.equal(await store.findUserById(user.id), null)
    t.equal(await store.findRefreshToken(mine.refreshHash), null)
    t.equal(await store.findSession(mine.id), null)
    t.not(await store.findRefreshToken(theirs.refreshHash), null)
    t.equal(await store.deleteUser(user.id), false)
    await store.createUser({ ...newUser(), usernameNormalized: user.usernameNormalized })
    t.ok(await store.findUserByUsername(user.usernameNormalized), 'the name can be registered again')
  })

  t.test('revokeUserSessions - should spare the excepted session', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const [keep, drop] = [session(user.id), session(user.id)]
    await store.createSession(keep)
    await store.createSession(drop)
    t.same(await store.revokeUserSessions(user.id, at(1), keep.id), [drop.id])
    t.equal((await store.findSession(keep.id))?.revokedAt, null)
    t.same((await store.findSession(drop.id))?.revokedAt, at(1))
    t.equal(await store.findSession(randomUUID()), null)
  })

  t.test('recordLoginFailures - should count every one of 20 concurrent failures, per key', async (t) => {
    const store = await makeStore(t)
    const [a, b] = [hash(), hash()]
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => store.recordLoginFailures([a, b], at(i % 3), at(3600))))
    t.same(counts.map(([countA]) => countA as number).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1), 'each caller sees its own count')
    t.same(await store.getLoginFailures([a, b, hash()], at(10)), [{ count: 20, lastFailureAt: at(2) }, { count: 20, lastFailureAt: at(2) }, null])
  })

  t.test('getLoginFailures - should forget expired failures, and clear should forget all', async (t) => {
    const store = await makeStore(t)
    const key = hash()
    await store.recordLoginFailures([key], at(0), at(100))
    await store.recordLoginFailures([key], at(50), at(150))
    t.same(await store.getLoginFailures([key], at(120)), [{ count: 1, lastFailureAt: at(50) }])
    t.same(await store.recordLoginFailures([key], at(130), at(230)), [2])
    t.same(await store.getLoginFailures([key], at(300)), [null])
    await store.recordLoginFailures([key], at(400), at(500))
    await store.clearLoginFailures([key])
    t.same(await store.getLoginFailures([key], at(401)), [null])
    await store.recordLoginFailures([key], at(600), at(700))
    t.ok(await store.pruneExpired(at(800)) >= 1, 'expired failures are pruned')
    t.same(await store.getLoginFailures([key], at(0)), [null])
  })
}

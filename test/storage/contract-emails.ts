import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import { DuplicateEmailError } from '../../services/errors.js'
import type { NewSession } from '../../services/storage/types.js'
import type { StoreFactory } from './contract.js'
import { newUser } from './contract.js'
import { newFactor, newPasskey } from './contract-mfa.js'
import { newToken } from './contract-one-time-tokens.js'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '4')
const newSession = (userId: string, overrides: Partial<NewSession> = {}): NewSession => ({
  id: randomUUID(), userId, createdAt: at(0), lastUsedAt: at(0), expiresAt: at(3600), userAgent: null, ip: null, amr: ['pwd'], refreshHash: hash(), ...overrides
})

/** Contract cases for emails, session amr, deleting a user with everything of theirs, and pruning one-time tokens (run by storeContract). */
export function emailContract (t: Test, makeStore: StoreFactory): void {
  t.test('emails - should find a user by email and keep emailVerifiedAt', async (t) => {
    const store = await makeStore(t)
    const user = { ...newUser(), email: `v${randomUUID().slice(0, 8)}@example.com`, emailVerifiedAt: at(30) }
    await store.createUser(user)
    t.same(await store.findUserByEmail(user.email), user)
    t.equal(await store.findUserByEmail(`x${user.email}`), null)
    t.equal(await store.updateUser(user.id, { emailVerifiedAt: null }), true)
    t.same(await store.findUserById(user.id), { ...user, emailVerifiedAt: null })
    t.equal(await store.updateUser(user.id, { email: 'new@example.com', emailVerifiedAt: at(40) }), true)
    t.same(await store.findUserByEmail('new@example.com'), { ...user, email: 'new@example.com', emailVerifiedAt: at(40) })
    t.equal(await store.findUserByEmail(user.email), null, 'the old address finds nobody')
  })

  t.test('emails - should refuse a taken address with DuplicateEmailError, on create and on update', async (t) => {
    const store = await makeStore(t)
    const alice = { ...newUser(), email: 'shared@example.com' }
    const bob = newUser()
    await store.createUser(alice)
    await store.createUser(bob)
    await t.rejects(store.createUser({ ...newUser(), email: 'shared@example.com' }), DuplicateEmailError)
    await t.rejects(store.updateUser(bob.id, { email: 'shared@example.com', roles: ['admin'] }), DuplicateEmailError)
    t.same(await store.findUserById(bob.id), bob, 'the refused update changed nothing')
    t.same(await store.findUserByEmail('shared@example.com'), alice)
    t.equal(await store.updateUser(alice.id, { email: 'shared@example.com' }), true, 'keeping one\'s own address is no conflict')
  })

  t.test('emails - should let any number of users have none, and free an address set to null', async (t) => {
    const store = await makeStore(t)
    const [a, b, c] = [{ ...newUser(), email: null }, { ...newUser(), email: null }, { ...newUser(), email: 'freed@example.com' }]
    for (const user of [a, b, c]) await store.createUser(user)
    t.equal(await store.updateUser(c.id, { email: null }), true)
    t.equal(await store.updateUser(a.id, { email: 'freed@example.com' }), true, 'the address is free again')
    t.equal((await store.findUserByEmail('freed@example.com'))?.id, a.id)
    t.equal(await store.updateUser(a.id, { email: null }), true)
    await store.createUser({ ...newUser(), email: 'freed@example.com' })
    t.same((await store.findUserById(c.id))?.email, null)
  })

  t.test('emails - should let exactly one of 20 concurrent registrations of one address win', async (t) => {
    const store = await makeStore(t)
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.createUser({ ...newUser(), email: 'race@example.com' })))
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    t.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof DuplicateEmailError), 'every loser gets DuplicateEmailError')
  })

  t.test('emails - should let exactly one of 10 users who change to one address concurrently have it', async (t) => {
    const store = await makeStore(t)
    const users = Array.from({ length: 10 }, () => newUser())
    for (const user of users) await store.createUser(user)
    const results = await Promise.allSettled(users.map((user) => store.updateUser(user.id, { email: 'wanted@example.com' })))
    t.equal(results.filter((r) => r.status === 'fulfilled' && r.value).length, 1)
    t.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof DuplicateEmailError))
  })

  t.test('sessions - should keep amr, and change it only on an active session', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const session = newSession(user.id, { amr: ['pwd', 'otp'] })
    const revoked = newSession(user.id)
    await store.createSession(session)
    await store.createSession(revoked)
    t.same((await store.findSession(session.id))?.amr, ['pwd', 'otp'])
    t.equal(await store.setSessionAmr(session.id, ['pwd', 'hwk', 'user']), true)
    t.same((await store.findRefreshToken(session.refreshHash))?.session.amr, ['pwd', 'hwk', 'user'])
    t.equal(await store.setSessionAmr(session.id, ['pwd', 'hwk', 'user']), true, 'the same methods again')
    const nextHash = hash()
    await store.rotateRefreshToken({ sessionId: session.id, currentHash: session.refreshHash, nextHash, now: at(5), expiresAt: at(4000), keepRotated: 5 })
    t.same((await store.findRefreshToken(nextHash))?.session.amr, ['pwd', 'hwk', 'user'], 'a rotation keeps the methods')
    await store.revokeSession(revoked.id, at(1))
    t.equal(await store.setSessionAmr(revoked.id, ['pwd', 'otp']), false)
    t.same((await store.findSession(revoked.id))?.amr, ['pwd'], 'a revoked session is not stepped up')
    t.equal(await store.setSessionAmr(randomUUID(), ['pwd']), false)
    t.same((await store.listUserSessions(user.id, at(2))).map((s) => s.amr), [['pwd', 'hwk', 'user']])
  })

  t.test('deleteUser - should take the user\'s one-time tokens and second factors along, and nobody else\'s', async (t) => {
    const store = await makeStore(t)
    const [gone, kept] = [newUser(), newUser()]
    const owned = await Promise.all([gone, kept].map(async (user) => {
      await store.createUser(user)
      const items = { session: newSession(user.id), token: newToken(user.id), passkey: newPasskey(user.id), code: hash() }
      await store.createSession(items.session)
      await store.createOneTimeToken(items.token)
      await store.saveTotpFactor(newFactor(user.id))
      await store.replaceRecoveryCodes(user.id, [items.code], at(0))
      await store.createPasskey(items.passkey)
      return items
    }))
    t.equal(await store.deleteUser(gone.id), true)
    const [g, k] = owned as [typeof owned[0], typeof owned[0]]
    t.equal(await store.findSession(g.session.id), null)
    t.equal(await store.findOneTimeToken(g.token.hash, g.token.purpose, at(1)), null)
    t.equal(await store.findTotpFactor(gone.id), null)
    t.equal(await store.countRecoveryCodes(gone.id), 0)
    t.equal(await store.findPasskey(g.passkey.id), null)
    t.same(await store.listPasskeys(gone.id), [])
    t.equal(await store.findUserByEmail(gone.email as string), null)
    await store.createUser({ ...newUser(), email: gone.email }) // the address is free
    t.not(await store.findSession(k.session.id), null)
    t.not(await store.findOneTimeToken(k.token.hash, k.token.purpose, at(1)), null)
    t.not(await store.findTotpFactor(kept.id), null)
    t.equal(await store.countRecoveryCodes(kept.id), 1)
    t.same(await store.listPasskeys(kept.id), [k.passkey])
  })

  t.test('pruneExpired - should delete expired one-time tokens and keep live ones', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const expired = [newToken(user.id, { expiresAt: at(100) }), newToken(null, { expiresAt: at(200) })]
    const live = newToken(user.id, { expiresAt: at(301) })
    for (const token of [...expired, live]) await store.createOneTimeToken(token)
    t.ok(await store.pruneExpired(at(300)) >= 2)
    t.same(await Promise.all(expired.map((token) => store.findOneTimeToken(token.hash, token.purpose, at(0)))), [null, null], 'gone, even for an earlier clock')
    t.same(await store.findOneTimeToken(live.hash, live.purpose, at(0)), live)
  })
}

import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import { DuplicateUserError } from '../../services/errors.js'
import type { NewSession, Store, UserRecord } from '../../services/storage/types.js'
import { accountContract } from './contract-accounts.js'
import { auditContract } from './contract-audit.js'
import { emailContract } from './contract-emails.js'
import { mfaContract } from './contract-mfa.js'
import { oneTimeTokenContract } from './contract-one-time-tokens.js'
import { refreshHistoryContract } from './contract-refresh-history.js'
import { revocationContract } from './contract-revocations.js'

/** How a runner makes a fresh, empty store for one case, and how it cleans up after it. */
export interface StoreFactory {
  (t: Test): Promise<Store>
}

const HASH = () => randomUUID().replace(/-/g, '').padEnd(64, '0')
const T0 = new Date('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

export function newUser (name = `u${randomUUID().slice(0, 8)}`): UserRecord {
  return {
    id: randomUUID(),
    username: name,
    usernameNormalized: name.toLowerCase(),
    email: `${name.toLowerCase()}@example.com`,
    emailVerifiedAt: null,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    roles: ['user'],
    createdAt: at(0),
    disabledAt: null
  }
}

function newSession (userId: string, overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: randomUUID(),
    userId,
    createdAt: at(0),
    lastUsedAt: at(0),
    expiresAt: at(3600),
    userAgent: 'contract-test',
    ip: '127.0.0.1',
    amr: ['pwd'],
    refreshHash: HASH(),
    ...overrides
  }
}

/** The storage contract: every adapter runs these cases unchanged. */
export function storeContract (t: Test, makeStore: StoreFactory): void {
  t.test('createUser - should store a user readable by id and by normalised name', async (t) => {
    const store = await makeStore(t)
    const user = newUser('Alice.Example')
    await store.createUser(user)
    t.same(await store.findUserById(user.id), user)
    t.same(await store.findUserByUsername('alice.example'), user)
    t.equal(await store.findUserByUsername('Alice.Example'), null, 'lookup is by the normalised name only')
    t.equal(await store.findUserById(randomUUID()), null)
  })

  t.test('createUser - should keep unicode, null email and several roles intact', async (t) => {
    const store = await makeStore(t)
    const user = { ...newUser(), email: null, roles: ['user', 'admin'] }
    await store.createUser(user)
    t.same(await store.findUserById(user.id), user)
  })

  t.test('createUser - should refuse a taken normalised name with DuplicateUserError', async (t) => {
    const store = await makeStore(t)
    const first = newUser('Bob')
    await store.createUser(first)
    await t.rejects(store.createUser({ ...newUser('BOB'), usernameNormalized: 'bob' }), DuplicateUserError)
    t.same(await store.findUserByUsername('bob'), first)
  })

  t.test('createUser - should let exactly one of 50 concurrent creations of one name win', async (t) => {
    const store = await makeStore(t)
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.createUser(newUser('racer'))))
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    t.equal(failures.length, 49)
    t.ok(failures.every((r) => r.reason instanceof DuplicateUserError), 'every loser gets DuplicateUserError')
  })

  t.test('findRefreshToken - should find the current token of a new session', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const session = newSession(user.id)
    await store.createSession(session)
    const match = await store.findRefreshToken(session.refreshHash)
    const { refreshHash, ...record } = session
    t.same(match, { session: { ...record, revokedAt: null }, rotatedAt: null })
    t.equal(await store.findRefreshToken(HASH()), null)
  })

  t.test('rotateRefreshToken - should retire the used token and make the next one current', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const session = newSession(user.id)
    await store.createSession(session)
    const nextHash = HASH()
    t.equal(await store.rotateRefreshToken({ sessionId: session.id, currentHash: session.refreshHash, nextHash, now: at(60), expiresAt: at(7200), keepRotated: 5 }), true)
    const old = await store.findRefreshToken(session.refreshHash)
    t.same(old?.rotatedAt, at(60))
    const current = await store.findRefreshToken(nextHash)
    t.equal(current?.rotatedAt, null)
    t.same(current?.session.lastUsedAt, at(60))
    t.same(current?.session.expiresAt, at(7200))
    t.equal(await store.rotateRefreshToken({ sessionId: session.id, currentHash: session.refreshHash, nextHash: HASH(), now: at(61), expiresAt: at(7200), keepRotated: 5 }), false, 'a retired token cannot rotate again')
  })

  t.test('rotateRefreshToken - should let exactly one of 20 concurrent rotations win', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const session = newSession(user.id)
    await store.createSession(session)
    const nextHashes = Array.from({ length: 20 }, HASH)
    const results = await Promise.all(nextHashes.map((nextHash) =>
      store.rotateRefreshToken({ sessionId: session.id, currentHash: session.refreshHash, nextHash, now: at(5), expiresAt: at(7200), keepRotated: 5 })))
    t.equal(results.filter(Boolean).length, 1)
    const winner = nextHashes[results.indexOf(true)] as string
    t.equal((await store.findRefreshToken(winner))?.rotatedAt, null, 'the winner holds the current token')
    const losers = nextHashes.filter((hash) => hash !== winner)
    t.same(await Promise.all(losers.map((hash) => store.findRefreshToken(hash))), losers.map(() => null), 'no loser token was stored')
  })

  t.test('rotateRefreshToken - should refuse a revoked session or a token of another session', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const a = newSession(user.id)
    const b = newSession(user.id)
    await store.createSession(a)
    await store.createSession(b)
    t.equal(await store.rotateRefreshToken({ sessionId: b.id, currentHash: a.refreshHash, nextHash: HASH(), now: at(1), expiresAt: at(7200), keepRotated: 5 }), false)
    await store.revokeSession(a.id, at(2))
    t.equal(await store.rotateRefreshToken({ sessionId: a.id, currentHash: a.refreshHash, nextHash: HASH(), now: at(3), expiresAt: at(7200), keepRotated: 5 }), false)
  })

  t.test('revokeSession - should mark the session revoked once', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const session = newSession(user.id)
    await store.createSession(session)
    t.equal(await store.revokeSession(session.id, at(10)), true)
    t.equal(await store.revokeSession(session.id, at(11)), false)
    t.same((await store.findRefreshToken(session.refreshHash))?.session.revokedAt, at(10))
    t.equal(await store.revokeSession(randomUUID(), at(12)), false)
  })

  t.test('revokeUserSessions - should revoke only that user\'s active sessions and return their ids', async (t) => {
    const store = await makeStore(t)
    const [alice, bob] = [newUser(), newUser()]
    await store.createUser(alice)
    await store.createUser(bob)
    const aliceSessions = [newSession(alice.id), newSession(alice.id), newSession(alice.id)]
    const bobSession = newSession(bob.id)
    for (const session of [...aliceSessions, bobSession]) await store.createSession(session)
    await store.revokeSession(aliceSessions[0]!.id, at(1))
    const revoked = await store.revokeUserSessions(alice.id, at(2))
    t.same([...revoked].sort(), [aliceSessions[1]!.id, aliceSessions[2]!.id].sort())
    t.equal((await store.findRefreshToken(bobSession.refreshHash))?.session.revokedAt, null)
    t.same(await store.revokeUserSessions(alice.id, at(3)), [])
  })

  t.test('listUserSessions - should list active sessions oldest first, without revoked or expired ones', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const newer = newSession(user.id, { createdAt: at(20) })
    const older = newSession(user.id, { createdAt: at(10) })
    const revoked = newSession(user.id)
    const expired = newSession(user.id, { expiresAt: at(30) })
    for (const session of [newer, older, revoked, expired]) await store.createSession(session)
    await store.revokeSession(revoked.id, at(25))
    const listed = await store.listUserSessions(user.id, at(40))
    t.same(listed.map((session) => session.id), [older.id, newer.id])
    t.equal(listed[0]?.userAgent, 'contract-test')
  })

  t.test('pruneExpired - should delete expired sessions, their tokens and expired revocations', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const expired = newSession(user.id, { expiresAt: at(100) })
    const live = newSession(user.id, { expiresAt: at(1000) })
    await store.createSession(expired)
    await store.createSession(live)
    const liveRevocation = { sessionId: randomUUID(), userId: user.id, revokedAt: at(60), expiresAt: at(5000) }
    // The live one is recorded last: a store may keep its newest record even expired (MongoDB does).
    await store.recordRevocations([{ sessionId: expired.id, userId: user.id, revokedAt: at(50), expiresAt: at(100) }, liveRevocation])
    t.ok(await store.pruneExpired(at(200)) >= 2)
    t.equal(await store.findRefreshToken(expired.refreshHash), null)
    t.not(await store.findRefreshToken(live.refreshHash), null)
    t.same((await store.listRevocationsAfter(0, at(0))).revocations, [liveRevocation], 'listed even at a time before it expired: gone')
    t.same(await store.findUserById(user.id), user, 'users are never pruned')
  })

  t.test('findUserById - should hand out copies that cannot change the stored record', async (t) => {
    const store = await makeStore(t)
    const user = newUser()
    await store.createUser(user)
    const copy = await store.findUserById(user.id)
    copy?.roles.push('admin')
    user.roles.push('root')
    t.same((await store.findUserById(user.id))?.roles, ['user'])
  })

  t.test('ping - should resolve while the backend answers', async (t) => {
    const store = await makeStore(t)
    await t.resolves(store.ping())
  })

  accountContract(t, makeStore)
  revocationContract(t, makeStore)
  refreshHistoryContract(t, makeStore)
  auditContract(t, makeStore)
  oneTimeTokenContract(t, makeStore)
  mfaContract(t, makeStore)
  emailContract(t, makeStore)
}

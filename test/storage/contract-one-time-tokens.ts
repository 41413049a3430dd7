import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type { CodeAttempt, OneTimeTokenRecord, Store } from '../../services/storage/types.js'
import type { StoreFactory } from './contract.js'
import { newUser } from './contract.js'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '2')

export function newToken (userId: string | null, overrides: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord {
  return { hash: hash(), purpose: 'password_reset', userId, codeHash: hash(), data: '{"to":"a@example.com"}', createdAt: at(0), expiresAt: at(600), failedAttempts: 0, ...overrides }
}

/** A store holding one user (one-time tokens name an existing user: the SQL stores enforce it with a foreign key). */
async function storeWithUser (t: Test, makeStore: StoreFactory): Promise<{ store: Store, userId: string }> {
  const store = await makeStore(t)
  const user = newUser()
  await store.createUser(user)
  return { store, userId: user.id }
}

const outcomes = (attempts: CodeAttempt[]) => attempts.map((attempt) => attempt.outcome)

/** Contract cases for one-time tokens (run by storeContract). */
export function oneTimeTokenContract (t: Test, makeStore: StoreFactory): void {
  t.test('one-time tokens - should find a live token without consuming it, then consume it once', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId, { failedAttempts: 2 })
    await store.createOneTimeToken(token)
    t.same(await store.findOneTimeToken(token.hash, token.purpose, at(1)), token, 'every field round-trips')
    t.same(await store.findOneTimeToken(token.hash, token.purpose, at(2)), token, 'finding does not consume')
    t.same(await store.consumeOneTimeToken(token.hash, token.purpose, at(3)), token)
    t.equal(await store.consumeOneTimeToken(token.hash, token.purpose, at(4)), null, 'a second use gets nothing')
    t.equal(await store.findOneTimeToken(token.hash, token.purpose, at(4)), null)
    t.equal(await store.consumeOneTimeToken(hash(), token.purpose, at(4)), null, 'an unknown hash gets nothing')
  })

  t.test('one-time tokens - should keep a token for its purpose only', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId, { purpose: 'email_verify' })
    await store.createOneTimeToken(token)
    t.equal(await store.findOneTimeToken(token.hash, 'password_reset', at(1)), null)
    t.equal(await store.consumeOneTimeToken(token.hash, 'password_reset', at(1)), null)
    t.same(await store.consumeOneTimeToken(token.hash, 'email_verify', at(2)), token, 'the wrong purpose did not use it up')
  })

  t.test('one-time tokens - should refuse a token at and after its expiresAt', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId, { expiresAt: at(600) })
    await store.createOneTimeToken(token)
    const lastMoment = new Date(at(600).getTime() - 1)
    t.same(await store.findOneTimeToken(token.hash, token.purpose, lastMoment), token, 'live one millisecond before')
    t.equal(await store.findOneTimeToken(token.hash, token.purpose, at(600)), null, 'dead at expiresAt')
    t.equal(await store.consumeOneTimeToken(token.hash, token.purpose, at(600)), null)
    t.equal(await store.consumeOneTimeToken(token.hash, token.purpose, at(601)), null)
    t.same(outcomes([await store.consumeOneTimeTokenByCode(userId, token.purpose, token.codeHash as string, at(600), 5)]), ['no_token'])
    t.same(await store.consumeOneTimeToken(token.hash, token.purpose, lastMoment), token, 'still there for an earlier clock: expiry is no use')
  })

  t.test('one-time tokens - should hold a token that names no user (a usernameless passkey challenge)', async (t) => {
    const store = await makeStore(t)
    const token = newToken(null, { purpose: 'webauthn_login', codeHash: null, data: null })
    await store.createOneTimeToken(token)
    t.same(await store.consumeOneTimeToken(token.hash, 'webauthn_login', at(1)), token)
  })

  t.test('createOneTimeToken - should first delete the user\'s tokens of the purposes named in replace, and nothing else', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const other = newUser()
    await store.createUser(other)
    const older = newToken(userId, { purpose: 'password_reset' })
    const change = newToken(userId, { purpose: 'email_change' })
    const verify = newToken(userId, { purpose: 'email_verify' })
    const othersReset = newToken(other.id, { purpose: 'password_reset' })
    for (const token of [older, change, verify, othersReset]) await store.createOneTimeToken(token)
    const newer = newToken(userId, { purpose: 'password_reset', createdAt: at(10) })
    await store.createOneTimeToken(newer, { userId, purposes: ['password_reset', 'email_change'] })
    t.equal(await store.findOneTimeToken(older.hash, 'password_reset', at(11)), null, 'the older link is void')
    t.equal(await store.findOneTimeToken(change.hash, 'email_change', at(11)), null)
    t.same(await store.findOneTimeToken(verify.hash, 'email_verify', at(11)), verify, 'another purpose stays')
    t.same(await store.findOneTimeToken(othersReset.hash, 'password_reset', at(11)), othersReset, 'another user\'s token stays')
    t.same(await store.findOneTimeToken(newer.hash, 'password_reset', at(11)), newer)
  })

  t.test('deleteOneTimeTokens - should delete the user\'s tokens of those purposes and say how many', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const other = newUser()
    await store.createUser(other)
    const tokens = [newToken(userId, { purpose: 'a' }), newToken(userId, { purpose: 'a' }), newToken(userId, { purpose: 'b' }), newToken(userId, { purpose: 'c' }), newToken(other.id, { purpose: 'a' })]
    for (const token of tokens) await store.createOneTimeToken(token)
    t.equal(await store.deleteOneTimeTokens(userId, ['a', 'b']), 3)
    t.equal(await store.deleteOneTimeTokens(userId, ['a', 'b']), 0)
    t.equal(await store.deleteOneTimeTokens(userId, []), 0)
    t.same(await Promise.all(tokens.map((token) => store.findOneTimeToken(token.hash, token.purpose, at(1)))), [null, null, null, tokens[3], tokens[4]])
  })

  t.test('consumeOneTimeTokenByCode - should take the newest live token with the right code, and count wrong codes up to the limit', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const older = newToken(userId, { purpose: 'email_code', createdAt: at(0) })
    const newest = newToken(userId, { purpose: 'email_code', createdAt: at(5) })
    await store.createOneTimeToken(older)
    await store.createOneTimeToken(newest)
    t.same(await store.consumeOneTimeTokenByCode(userId, 'email_code', older.codeHash as string, at(6), 3), { outcome: 'wrong_code', attemptsLeft: 2 }, 'the older token\'s code is wrong for the newest')
    t.same(await store.consumeOneTimeTokenByCode(userId, 'password_reset', newest.codeHash as string, at(6), 3), { outcome: 'no_token' }, 'another purpose has no token')
    t.equal((await store.findOneTimeToken(newest.hash, 'email_code', at(6)))?.failedAttempts, 1)
    t.same(await store.consumeOneTimeTokenByCode(userId, 'email_code', newest.codeHash as string, at(7), 3), { outcome: 'consumed', token: { ...newest, failedAttempts: 1 } })
    t.same(await store.consumeOneTimeTokenByCode(userId, 'email_code', newest.codeHash as string, at(8), 3), { outcome: 'wrong_code', attemptsLeft: 2 }, 'used: the older token is the newest live one now')
  })

  t.test('consumeOneTimeTokenByCode - should delete the token when the wrong codes reach the limit', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId)
    await store.createOneTimeToken(token)
    const wrong = () => store.consumeOneTimeTokenByCode(userId, token.purpose, hash(), at(1), 3)
    t.same([await wrong(), await wrong(), await wrong()], [{ outcome: 'wrong_code', attemptsLeft: 2 }, { outcome: 'wrong_code', attemptsLeft: 1 }, { outcome: 'wrong_code', attemptsLeft: 0 }])
    t.same(await store.consumeOneTimeTokenByCode(userId, token.purpose, token.codeHash as string, at(2), 3), { outcome: 'no_token' }, 'the right code comes too late')
    t.equal(await store.consumeOneTimeToken(token.hash, token.purpose, at(2)), null, 'the link is dead too')
  })

  t.test('consumeOneTimeTokenByCode - should never accept any code for a token that has none', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    await store.createOneTimeToken(newToken(userId, { codeHash: null }))
    t.same(await store.consumeOneTimeTokenByCode(userId, 'password_reset', '', at(1), 5), { outcome: 'wrong_code', attemptsLeft: 4 })
  })

  t.test('consumeOneTimeToken - should give the token to exactly one of 20 concurrent consumers', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId)
    await store.createOneTimeToken(token)
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeOneTimeToken(token.hash, token.purpose, at(1))))
    t.same(results.filter((result) => result !== null), [token])
  })

  t.test('consumeOneTimeTokenByCode - should let exactly one of 20 concurrent callers with the right code consume it', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId)
    await store.createOneTimeToken(token)
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeOneTimeTokenByCode(userId, token.purpose, token.codeHash as string, at(1), 5)))
    t.same(outcomes(results).sort(), ['consumed', ...Array<string>(19).fill('no_token')])
  })

  t.test('consumeOneTimeTokenByCode - should count every one of 20 concurrent wrong codes', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId)
    await store.createOneTimeToken(token)
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeOneTimeTokenByCode(userId, token.purpose, hash(), at(1), 100)))
    const left = results.map((result) => result.outcome === 'wrong_code' ? result.attemptsLeft : -1).sort((a, b) => a - b)
    t.same(left, Array.from({ length: 20 }, (_, i) => 80 + i), 'each caller saw a different count')
    t.equal((await store.findOneTimeToken(token.hash, token.purpose, at(2)))?.failedAttempts, 20)
  })

  t.test('consumeOneTimeTokenByCode - should kill the token when 20 concurrent wrong codes pass the limit', async (t) => {
    const { store, userId } = await storeWithUser(t, makeStore)
    const token = newToken(userId)
    await store.createOneTimeToken(token)
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeOneTimeTokenByCode(userId, token.purpose, hash(), at(1), 5)))
    const left = new Set(results.flatMap((result) => result.outcome === 'wrong_code' ? [result.attemptsLeft] : []))
    t.same([...left].sort(), [0, 1, 2, 3, 4], 'every count up to the limit was seen')
    t.notOk(results.some((result) => result.outcome === 'consumed'))
    t.same(await store.consumeOneTimeTokenByCode(userId, token.purpose, token.codeHash as string, at(2), 5), { outcome: 'no_token' })
  })
}

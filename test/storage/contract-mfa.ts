import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import { DuplicatePasskeyError } from '../../services/errors.js'
import type { PasskeyRecord, Store, TotpFactorRecord } from '../../services/storage/types.js'
import type { StoreFactory } from './contract.js'
import { newUser } from './contract.js'

const T0 = Date.parse('2030-01-01T00:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '3')

export const newFactor = (userId: string, overrides: Partial<TotpFactorRecord> = {}): TotpFactorRecord =>
  ({ userId, secret: `v1.${randomUUID()}`, createdAt: at(0), confirmedAt: null, lastUsedStep: -1, ...overrides })

export const newPasskey = (userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord => ({
  id: Buffer.from(randomUUID()).toString('base64url'),
  userId,
  publicKey: 'pQECAyYgASFYIPublicKeyBytes',
  counter: 0,
  transports: ['internal', 'hybrid'],
  backedUp: true,
  name: 'Laptop',
  createdAt: at(0),
  lastUsedAt: null,
  ...overrides
})

/** A store holding two users (factors name an existing user: the SQL stores enforce it with a foreign key). */
async function storeWithUsers (t: Test, makeStore: StoreFactory): Promise<{ store: Store, userId: string, otherId: string }> {
  const store = await makeStore(t)
  const [user, other] = [newUser(), newUser()]
  await store.createUser(user)
  await store.createUser(other)
  return { store, userId: user.id, otherId: other.id }
}

/** Contract cases for second factors (run by storeContract). */
export function mfaContract (t: Test, makeStore: StoreFactory): void {
  t.test('TOTP factor - should round-trip, be replaced by a new enrolment, and be deleted once', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    t.equal(await store.findTotpFactor(userId), null)
    const first = newFactor(userId, { confirmedAt: at(1), lastUsedStep: 1000 })
    await store.saveTotpFactor(first)
    t.same(await store.findTotpFactor(userId), first)
    const second = newFactor(userId, { createdAt: at(50) })
    await store.saveTotpFactor(second)
    t.same(await store.findTotpFactor(userId), second, 'replaced, confirmation and step included')
    t.equal(await store.deleteTotpFactor(userId), true)
    t.equal(await store.deleteTotpFactor(userId), false)
    t.equal(await store.findTotpFactor(userId), null)
  })

  t.test('useTotpStep - should accept only a newer step, and confirm the factor on its first use', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    t.equal(await store.useTotpStep(userId, 10, at(1)), false, 'no factor')
    await store.saveTotpFactor(newFactor(userId))
    t.equal(await store.useTotpStep(userId, 10, at(2)), true)
    t.match(await store.findTotpFactor(userId), { lastUsedStep: 10, confirmedAt: at(2) })
    t.equal(await store.useTotpStep(userId, 10, at(3)), false, 'the same step again is a replay')
    t.equal(await store.useTotpStep(userId, 9, at(3)), false, 'an older step too')
    t.equal(await store.useTotpStep(userId, 11, at(4)), true)
    t.match(await store.findTotpFactor(userId), { lastUsedStep: 11, confirmedAt: at(2) }, 'confirmedAt stays the first use')
  })

  t.test('useTotpStep - should let exactly one of 20 concurrent callers with the same step win', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    await store.saveTotpFactor(newFactor(userId, { lastUsedStep: 99 }))
    const results = await Promise.all(Array.from({ length: 20 }, () => store.useTotpStep(userId, 100, at(1))))
    t.equal(results.filter(Boolean).length, 1)
    t.equal((await store.findTotpFactor(userId))?.lastUsedStep, 100)
  })

  t.test('recovery codes - should be used once each, per user, and replaced as a set', async (t) => {
    const { store, userId, otherId } = await storeWithUsers(t, makeStore)
    const codes = [hash(), hash(), hash()]
    await store.replaceRecoveryCodes(userId, codes, at(0))
    t.equal(await store.countRecoveryCodes(userId), 3)
    t.equal(await store.consumeRecoveryCode(otherId, codes[0] as string, at(1)), false, 'another user\'s code')
    t.equal(await store.consumeRecoveryCode(userId, codes[0] as string, at(1)), true)
    t.equal(await store.consumeRecoveryCode(userId, codes[0] as string, at(2)), false, 'used')
    t.equal(await store.countRecoveryCodes(userId), 2)
    const fresh = [hash(), hash()]
    await store.replaceRecoveryCodes(userId, fresh, at(3))
    t.equal(await store.consumeRecoveryCode(userId, codes[1] as string, at(4)), false, 'an old code died with its set')
    t.equal(await store.countRecoveryCodes(userId), 2)
    await store.replaceRecoveryCodes(userId, [], at(5))
    t.equal(await store.countRecoveryCodes(userId), 0)
    t.equal(await store.consumeRecoveryCode(userId, fresh[0] as string, at(6)), false)
    t.equal(await store.countRecoveryCodes(otherId), 0)
  })

  t.test('consumeRecoveryCode - should let exactly one of 20 concurrent callers use a code', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    const code = hash()
    await store.replaceRecoveryCodes(userId, [code, hash()], at(0))
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consumeRecoveryCode(userId, code, at(1))))
    t.equal(results.filter(Boolean).length, 1)
    t.equal(await store.countRecoveryCodes(userId), 1)
  })

  t.test('passkeys - should round-trip, list oldest first, and refuse a registered credential id', async (t) => {
    const { store, userId, otherId } = await storeWithUsers(t, makeStore)
    const newer = newPasskey(userId, { createdAt: at(20), backedUp: false, transports: [] })
    const older = newPasskey(userId, { createdAt: at(10), lastUsedAt: at(15), counter: 7, name: 'Clé USB ✓' })
    await store.createPasskey(newer)
    await store.createPasskey(older)
    t.same(await store.findPasskey(older.id), older)
    t.same(await store.listPasskeys(userId), [older, newer])
    t.same(await store.listPasskeys(otherId), [])
    t.equal(await store.findPasskey('unknown'), null)
    await t.rejects(store.createPasskey(newPasskey(otherId, { id: older.id })), DuplicatePasskeyError, 'even for another user')
    t.same(await store.findPasskey(older.id), older)
  })

  t.test('recordPasskeyUse - should set counter and lastUsedAt only while the counter is the expected one', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    const passkey = newPasskey(userId, { counter: 5 })
    await store.createPasskey(passkey)
    t.equal(await store.recordPasskeyUse(passkey.id, 4, 6, at(1)), false, 'a stale counter')
    t.equal(await store.recordPasskeyUse('unknown', 5, 6, at(1)), false)
    t.equal(await store.recordPasskeyUse(passkey.id, 5, 6, at(2)), true)
    t.same(await store.findPasskey(passkey.id), { ...passkey, counter: 6, lastUsedAt: at(2) })
    t.equal(await store.recordPasskeyUse(passkey.id, 5, 7, at(3)), false, 'the old counter no longer matches')
  })

  t.test('recordPasskeyUse - should let exactly one of 20 concurrent callers with the same expected counter win', async (t) => {
    const { store, userId } = await storeWithUsers(t, makeStore)
    const passkey = newPasskey(userId, { counter: 41 })
    await store.createPasskey(passkey)
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.recordPasskeyUse(passkey.id, 41, 42 + i, at(1))))
    t.equal(results.filter(Boolean).length, 1)
    t.equal((await store.findPasskey(passkey.id))?.counter, 42 + results.indexOf(true), 'the winner\'s counter is stored')
  })

  t.test('deletePasskey - should delete only the owner\'s passkey, once', async (t) => {
    const { store, userId, otherId } = await storeWithUsers(t, makeStore)
    const passkey = newPasskey(userId)
    await store.createPasskey(passkey)
    t.equal(await store.deletePasskey(otherId, passkey.id), false, 'not the owner')
    t.same(await store.findPasskey(passkey.id), passkey)
    t.equal(await store.deletePasskey(userId, passkey.id), true)
    t.equal(await store.deletePasskey(userId, passkey.id), false)
    t.equal(await store.findPasskey(passkey.id), null)
  })
}

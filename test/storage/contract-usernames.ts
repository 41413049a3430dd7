import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import { InvalidCredentialsError } from '../../services/errors.js'
import { FREE_FAILURES_PER_CLIENT, LoginThrottledError } from '../../services/login-throttle.js'
import type { PasswordHasher } from '../../services/password.js'
import { createUserService, normalizeUsername } from '../../services/users.js'
import type { StoreFactory } from './contract.js'

/** A hasher without argon2's cost: these cases are about which counter a name hits. */
const plainHasher: PasswordHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (hash, password) => hash === `plain:${password}`,
  verifyAndUpgrade: async (hash, password) => ({ matches: hash === `plain:${password}`, upgradedHash: null }),
  verifyDummy: async () => false
}

const PASSWORD = 'correct horse: battery staple'

/** Spellings of `name` that some database, or NFKC, treats as the same name. */
function spellings (name: string): string[] {
  const spaces = ['\u0020', '\u00a0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000']
  return [
    ...spaces.map((space) => `${name}${space}`),
    `${name}  `, ` ${name}`, `\u3000${name}\u00a0 `, `${name}\t`, `${name}\n`,
    name.toUpperCase(),
    [...name].map((char) => String.fromCodePoint((char.codePointAt(0) as number) + 0xfee0)).join('') // full-width forms
  ]
}

/** Contract cases for usernames as a login types them (run by storeContract with each adapter's store). */
export function usernameContract (t: Test, makeStore: StoreFactory): void {
  t.test('login usernames - every spelling the store finds as the user is normalised to the stored name', async (t) => {
    const store = await makeStore(t)
    const users = createUserService({ store, password: plainHasher, now: () => Date.parse('2030-01-01T00:00:00Z') })
    const user = await users.register({ username: `Alice${randomUUID().slice(0, 8)}`, password: PASSWORD })
    for (const typed of spellings(user.username)) {
      for (const lookedUp of [typed, typed.normalize('NFKC'), typed.normalize('NFKC').toLowerCase()]) {
        const found = await store.findUserByUsername(lookedUp)
        if (found?.id === user.id) t.equal(normalizeUsername(typed), user.usernameNormalized, `${JSON.stringify(lookedUp)} finds the user: same key`)
      }
      t.equal((await users.authenticate(typed, PASSWORD, { ip: '192.0.2.1' })).id, user.id, `${JSON.stringify(typed)} logs in as the user`)
    }
  })

  t.test('login usernames - every spelling of one account hits the same throttle counter', async (t) => {
    const store = await makeStore(t)
    const users = createUserService({ store, password: plainHasher, now: () => Date.parse('2030-01-01T00:00:00Z') })
    const user = await users.register({ username: `bob${randomUUID().slice(0, 8)}`, password: PASSWORD })
    const outcomes: string[] = []
    for (const typed of spellings(user.username)) {
      try {
        await users.authenticate(typed, 'wrong password', { ip: '192.0.2.2' })
        outcomes.push('accepted')
      } catch (error) {
        outcomes.push(error instanceof LoginThrottledError ? 'throttled' : error instanceof InvalidCredentialsError ? 'refused' : String(error))
      }
    }
    const expected = outcomes.map((_, i) => i < FREE_FAILURES_PER_CLIENT ? 'refused' : 'throttled')
    t.same(outcomes, expected, `${FREE_FAILURES_PER_CLIENT} failures in all, whatever the spelling, then locked`)
    await t.rejects(users.authenticate(user.username, PASSWORD, { ip: '192.0.2.2' }), LoginThrottledError, 'the stored spelling is locked too')
  })

  t.test('registration - refuses surrounding whitespace and control characters; the stored name is the normalised one', async (t) => {
    const store = await makeStore(t)
    const users = createUserService({ store, password: plainHasher, now: () => Date.parse('2030-01-01T00:00:00Z') })
    const name = `carol${randomUUID().slice(0, 8)}`
    for (const bad of [`${name} `, ` ${name}`, `${name}\u00a0`, `${name}\u3000`, `${name}\t`, `car\u0000${name}`, `car\u200b${name}`, '   ']) {
      await t.rejects(users.register({ username: bad, password: PASSWORD }), { statusCode: 400, code: 'invalid_username' }, JSON.stringify(bad))
    }
    const user = await users.register({ username: name.toUpperCase(), password: PASSWORD })
    t.equal((await store.findUserByUsername(name))?.id, user.id)
  })
}

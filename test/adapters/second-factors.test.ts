import t from 'tap'
import { totpCode } from '../../services/mfa/totp.js'
import { basic, bearer, build, PASSWORD } from '../helper.js'
import { claimsOf, mfaToken, passwordLogin, STEP_MS, testClock, userWithTotp } from '../mfa/helper.js'
import { passkeySetup } from '../routes/passkey-fixture.js'
import { forEachAdapter } from './databases.js'

/** Issue 23's "done when" on each storage adapter, through HTTP, the clock moved by injection. */
forEachAdapter(t, async (t, database) => {
  const clock = testClock()
  const app = await build(t, { now: clock.now, env: { STORAGE_URL: database.url } })
  const verify = (payload: Record<string, string>) => app.inject({ method: 'POST', url: '/auth/mfa/verify', payload })

  t.test('TOTP - the password alone gives no tokens; a code completes the login once, and the tokens say how', async (t) => {
    const user = await userWithTotp(app, clock.now)
    const json = await passwordLogin(app, user.username)
    const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, PASSWORD) })
    for (const res of [json, viaBasic]) {
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'mfa_required')
      t.notOk('access_token' in res.json(), 'no token with the password alone')
    }
    clock.advance(STEP_MS)
    const code = totpCode(user.secret, clock.now())
    // A new password login replaces the previous mfa_token: the Basic one is the live one.
    t.equal((await verify({ mfa_token: json.json().mfa_token, code })).json().code, 'invalid_mfa_token', 'the older mfa_token died')
    const done = await verify({ mfa_token: viaBasic.json().mfa_token, code })
    t.equal(done.statusCode, 200, done.body)
    t.match(claimsOf(done.json().access_token), { amr: ['pwd', 'otp'], acr: 'aal2' })
    const replay = await verify({ mfa_token: await mfaToken(app, user.username), code })
    t.equal(replay.statusCode, 401, 'the same code in the same time step is refused')
    t.equal(replay.json().code, 'invalid_mfa_code')
  })

  // Each recovery code and each challenge is consumed atomically in the store: the contract tests
  // (test/storage/contract-mfa.ts, contract-one-time-tokens.ts) race 20 callers on every adapter.
  t.test('recovery codes - each works once; 20 concurrent verifies of one challenge open one session', async (t) => {
    const user = await userWithTotp(app, clock.now)
    const [first, second] = user.recoveryCodes
    const token = await mfaToken(app, user.username)
    const replies = await Promise.all(Array.from({ length: 20 }, () => verify({ mfa_token: token, recovery_code: first ?? '' })))
    t.equal(replies.filter((res) => res.statusCode === 200).length, 1, 'exactly one of 20 concurrent verifies wins')
    t.equal((await verify({ mfa_token: await mfaToken(app, user.username), recovery_code: first ?? '' })).statusCode, 401, 'used is used')
    const other = await verify({ mfa_token: await mfaToken(app, user.username), recovery_code: second ?? '' })
    t.equal(other.statusCode, 200, 'another code still works')
    t.match(claimsOf(other.json().access_token), { acr: 'aal2' })
  })

  t.test('requireMfa - a password-only token is refused with 403 mfa_required', async (t) => {
    const plain = await build(t, { env: { STORAGE_URL: database.url } })
    const name = `pwd_only_${database.kind}_${process.pid}`
    await plain.inject({ method: 'POST', url: '/auth/register', payload: { username: name, password: PASSWORD } })
    const pair = (await passwordLogin(plain, name)).json() as { access_token: string }
    t.match(claimsOf(pair.access_token), { amr: ['pwd'], acr: 'aal1' })
    const res = await plain.inject({ method: 'POST', url: '/auth/mfa/recovery-codes', headers: bearer(pair.access_token), payload: { code: '123456' } })
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'mfa_required')
  })

  t.test('passkeys - registered, then a usernameless login at aal2', async (t) => {
    const { registerPasskey, passkeyLogin, user } = await passkeySetup(t, { env: { STORAGE_URL: database.url } })
    await registerPasskey()
    const res = await passkeyLogin()
    t.equal(res.statusCode, 200, res.body)
    t.match(claimsOf(res.json().access_token), { sub: user.id, amr: ['hwk', 'user', 'mfa'], acr: 'aal2' })
    t.equal((await passkeyLogin({ origin: 'http://evil.localhost:3000' })).statusCode, 401)
  })
})

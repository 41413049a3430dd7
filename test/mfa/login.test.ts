import t from 'tap'
import { totpCode } from '../../services/mfa/totp.js'
import { basic, bearer, PASSWORD } from '../helper.js'
import { buildMfaApp, claimsOf, mfaToken, passwordLogin, STEP_MS, userWithTotp } from './helper.js'

t.test('mfa login - a user with TOTP gets no tokens from the password alone (JSON, Basic, OAuth password grant)', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)

  const json = await passwordLogin(app, user.username)
  t.equal(json.statusCode, 401)
  const body = json.json()
  t.equal(body.code, 'mfa_required')
  t.notOk('access_token' in body || 'refresh_token' in body, 'no token in the challenge')
  t.match(body.mfa_token, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url')
  t.same(body.methods, ['totp', 'recovery_code'])
  t.match(json.headers['www-authenticate'], /insufficient_user_authentication/)
  t.equal(json.headers['cache-control'], 'no-store')

  const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, PASSWORD) })
  t.equal(viaBasic.statusCode, 401)
  t.equal(viaBasic.json().code, 'mfa_required')

  const grant = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', username: user.username, password: PASSWORD } })
  t.equal(grant.statusCode, 400)
  t.equal(grant.json().error, 'mfa_required')
  t.type(grant.json().mfa_token, 'string')
  t.notOk('access_token' in grant.json())
  const form = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=password&username=${user.username}&password=${encodeURIComponent(PASSWORD)}` })
  t.equal(form.json().error, 'mfa_required')

  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'not the password at all' } })
  t.equal(wrong.json().code, 'invalid_credentials', 'a wrong password still says only that')
  t.notOk('mfa_token' in wrong.json())
})

t.test('mfa login - the right code works once; tokens state pwd+otp and aal2; before MFA pwd and aal1', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  t.same(claimsOf(user.accessToken).amr, ['pwd', 'otp'], 'confirming stepped the enrolling session up')

  clock.advance(STEP_MS)
  const token = await mfaToken(app, user.username)
  const code = totpCode(user.secret, clock.now())
  const ok = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code } })
  t.equal(ok.statusCode, 200, ok.body)
  const pair = ok.json()
  t.same(claimsOf(pair.access_token).amr, ['pwd', 'otp'])
  t.equal(claimsOf(pair.access_token).acr, 'aal2')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })).statusCode, 200)
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })
  t.equal(claimsOf(refreshed.json().access_token).acr, 'aal2', 'refresh keeps the level')

  const again = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code } })
  t.equal(again.statusCode, 401)
  t.equal(again.json().code, 'invalid_mfa_token', 'the mfa_token is single use')

  const replay = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: await mfaToken(app, user.username), code } })
  t.equal(replay.statusCode, 401)
  t.equal(replay.json().code, 'invalid_mfa_code', 'the same code (same step) is refused with a fresh mfa_token')

  const older = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: await mfaToken(app, user.username), code: totpCode(user.secret, clock.now() - STEP_MS) } })
  t.equal(older.json().code, 'invalid_mfa_code', 'a code of an older step than the last used is refused too')

  const plain = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: `${user.username}_plain`, password: PASSWORD } })
  t.equal(plain.statusCode, 201)
  const plainLogin = await passwordLogin(app, `${user.username}_plain`)
  t.equal(plainLogin.statusCode, 200, 'a user without a factor logs in with the password')
  t.same(claimsOf(plainLogin.json().access_token).amr, ['pwd'])
  t.equal(claimsOf(plainLogin.json().access_token).acr, 'aal1')
})

t.test('mfa login - ±1 step of clock skew works, ±2 does not', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  const attempt = async (offsetSteps: number) => {
    clock.advance(4 * STEP_MS) // a fresh step each time, far from the last used one
    const token = await mfaToken(app, user.username)
    const code = totpCode(user.secret, clock.now() + offsetSteps * STEP_MS)
    return (await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code } })).statusCode
  }
  t.equal(await attempt(-2), 401, 'two steps behind')
  t.equal(await attempt(2), 401, 'two steps ahead')
  t.equal(await attempt(-1), 200, 'one step behind')
  t.equal(await attempt(1), 200, 'one step ahead')
  t.equal(await attempt(0), 200)
})

t.test('mfa login - wrong codes do not burn the mfa_token at once, kill it at the 5th, and count in the login throttle', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  clock.advance(STEP_MS)
  const wrongCode = (right: string) => right === '000000' ? '111111' : '000000'
  const token = await mfaToken(app, user.username)
  for (let i = 0; i < 4; i++) {
    const res = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code: wrongCode(totpCode(user.secret, clock.now())) } })
    t.equal(res.json().code, 'invalid_mfa_code')
  }
  const ok = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code: totpCode(user.secret, clock.now()) } })
  t.equal(ok.statusCode, 200, 'after 4 wrong codes the token still works')

  // A fresh token dies at its 5th wrong code, and the account is throttled (5 per client before the back-off).
  clock.advance(STEP_MS)
  const second = await mfaToken(app, user.username)
  const codes = []
  for (let i = 0; i < 5; i++) {
    codes.push((await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: second, code: wrongCode(totpCode(user.secret, clock.now())) } })).json().code)
  }
  t.same(codes, ['invalid_mfa_code', 'invalid_mfa_code', 'invalid_mfa_code', 'invalid_mfa_code', 'invalid_mfa_code'])
  const locked = await passwordLogin(app, user.username)
  t.equal(locked.statusCode, 429, 'wrong codes count like wrong passwords')
  t.equal(locked.json().code, 'login_throttled')
  clock.advance(60_000)
  const after = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: second, code: totpCode(user.secret, clock.now()) } })
  t.equal(after.json().code, 'invalid_mfa_token', 'the 5th wrong code killed the mfa_token')
})

t.test('mfa login - an mfa_token expires after 5 minutes and a new password login replaces it', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  const first = await mfaToken(app, user.username)
  const second = await mfaToken(app, user.username)
  clock.advance(STEP_MS)
  t.equal((await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: first, code: totpCode(user.secret, clock.now()) } })).json().code, 'invalid_mfa_token', 'replaced')
  clock.advance(5 * 60_000)
  t.equal((await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: second, code: totpCode(user.secret, clock.now()) } })).json().code, 'invalid_mfa_token', 'expired')
})

t.test('mfa login - 20 concurrent uses of one mfa_token with the right code: exactly one token pair', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  clock.advance(STEP_MS)
  const token = await mfaToken(app, user.username)
  const code = totpCode(user.secret, clock.now())
  const replies = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code } })))
  t.equal(replies.filter((res) => res.statusCode === 200).length, 1)
  t.ok(replies.every((res) => res.statusCode === 200 || res.statusCode === 401))
})

t.test('mfa login - a new password login does not wipe the count of wrong codes (an attacker with the password cannot guess codes without end)', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  clock.advance(STEP_MS)
  const wrongCode = () => totpCode(user.secret, clock.now()) === '000000' ? '111111' : '000000'
  const verify = (token: string, code: string) => app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code } })
  const first = await mfaToken(app, user.username)
  for (let i = 0; i < 5; i++) t.equal((await verify(first, wrongCode())).json().code, 'invalid_mfa_code')
  clock.advance(1500) // past the first back-off (1 s)
  t.equal((await verify(await mfaToken(app, user.username), wrongCode())).json().code, 'invalid_mfa_code', 'the password works again and one more code is wrong')
  const token = await mfaToken(app, user.username)
  const locked = await verify(token, totpCode(user.secret, clock.now()))
  t.equal(locked.statusCode, 429, 'the password login cleared its own count, not the count of codes')
  t.equal(locked.json().code, 'login_throttled')
  clock.advance(2500)
  t.equal((await verify(token, totpCode(user.secret, clock.now()))).statusCode, 200, 'after the back-off the right code gets in with the same mfa_token')
})

import t from 'tap'
import { totpCode } from '../../services/mfa/totp.js'
import { bearer, login, PASSWORD, register } from '../helper.js'
import { buildMfaApp, claimsOf, mfaToken, passwordLogin, STEP_MS, userWithTotp } from './helper.js'

t.test('mfa enrol - QR made locally, pending until confirmed, secret encrypted at rest, refused while active', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await register(app)
  const pair = await login(app, user.username)
  const enroll = (password = PASSWORD) => app.inject({ method: 'POST', url: '/auth/mfa/totp/enroll', headers: bearer(pair.access_token), payload: { current_password: password } })

  t.equal((await enroll('not my password at all')).json().code, 'invalid_credentials')
  const res = await enroll()
  t.equal(res.statusCode, 200, res.body)
  const { secret, otpauth_uri: uri, qr_svg_data_url: qr } = res.json()
  t.match(secret, /^[A-Z2-7]{32}$/, '160 bits, base32')
  t.match(uri, new RegExp(`^otpauth://totp/.*${user.username}.*secret=${secret}`))
  t.match(uri, /digits=6&period=30/)
  t.ok(Buffer.from(qr.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString().startsWith('<svg'), 'an SVG data URL')

  const stored = await app.store.findTotpFactor(user.id)
  t.ok(stored !== null)
  t.notOk(stored?.secret.includes(secret), 'the secret is not stored in plain text')
  t.notOk(stored?.secret.includes(Buffer.from(secret).toString('base64')))
  t.match(stored?.secret, /^v1\.[0-9a-f]{8}\./, 'versioned ciphertext naming its key')
  t.equal(stored?.confirmedAt, null)

  t.equal((await passwordLogin(app, user.username)).statusCode, 200, 'a pending factor does not change login')
  t.same((await app.inject({ url: '/auth/mfa', headers: bearer(pair.access_token) })).json(), { totp: 'pending', recovery_codes_left: 0, passkeys: 0 })

  const wrong = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(pair.access_token), payload: { code: totpCode(secret, clock.now() + 5 * STEP_MS) } })
  t.equal(wrong.json().code, 'invalid_mfa_code')
  const confirmed = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(pair.access_token), payload: { code: totpCode(secret, clock.now()) } })
  t.equal(confirmed.statusCode, 200, confirmed.body)
  const codes: string[] = confirmed.json().recovery_codes
  t.equal(codes.length, 10)
  t.equal(new Set(codes).size, 10)
  for (const code of codes) t.match(code, /^[A-Z2-9]{5}-[A-Z2-9]{5}$/)
  t.equal(claimsOf(confirmed.json().access_token).acr, 'aal2', 'the enrolling session is stepped up')
  t.equal(claimsOf(confirmed.json().access_token).sid, claimsOf(pair.access_token).sid, 'same session')

  t.equal((await enroll()).json().code, 'totp_already_enrolled')
  t.same((await app.inject({ url: '/auth/mfa', headers: bearer(pair.access_token) })).json(), { totp: 'active', recovery_codes_left: 10, passkeys: 0 })
})

t.test('mfa recovery codes - each works once (audited), 20 concurrent uses of one give one pair, regenerating voids the old set', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  const verify = async (recoveryCode: string) => app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: await mfaToken(app, user.username), recovery_code: recoveryCode } })

  const [first = '', second = '', third = ''] = user.recoveryCodes
  const ok = await verify(first.toLowerCase().replace('-', ' '))
  t.equal(ok.statusCode, 200, 'case and separator do not matter')
  t.same(claimsOf(ok.json().access_token).amr, ['pwd', 'otp'])
  t.equal((await verify(first)).json().code, 'invalid_mfa_code', 'used once only')

  const token = await mfaToken(app, user.username)
  const racing = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, recovery_code: second } })))
  t.equal(racing.filter((res) => res.statusCode === 200).length, 1, 'one token pair from 20 concurrent uses')
  t.equal(await app.store.countRecoveryCodes(user.id), 8)

  clock.advance(STEP_MS)
  const regenerated = await app.inject({ method: 'POST', url: '/auth/mfa/recovery-codes', headers: bearer(user.accessToken), payload: { code: totpCode(user.secret, clock.now()) } })
  t.equal(regenerated.statusCode, 200, regenerated.body)
  t.equal(regenerated.json().recovery_codes.length, 10)
  t.equal((await verify(third)).json().code, 'invalid_mfa_code', 'the old set is void')
  t.equal((await verify(regenerated.json().recovery_codes[0])).statusCode, 200)
})

t.test('mfa requireMfa - 403 mfa_required for a password-only token; step-up raises the session without logout', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  // A password-only session of this user, opened before the factor existed (another device).
  const other = await register(app)
  const oldPair = await login(app, other.username)
  t.equal(claimsOf(oldPair.access_token).acr, 'aal1')

  const plainChange = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(oldPair.access_token), payload: { current_password: PASSWORD, new_password: 'a brand new passphrase for other' } })
  t.equal(plainChange.statusCode, 204, 'a user without a factor changes the password at aal1')

  const session = await app.sessions.start((await app.store.findUserById(user.id))!, { amr: ['pwd'] })
  t.equal(claimsOf(session.access_token).acr, 'aal1')
  const refused = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(session.access_token), payload: { current_password: PASSWORD, new_password: 'another brand new passphrase' } })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'mfa_required', 'stable code')
  const regen = await app.inject({ method: 'POST', url: '/auth/mfa/recovery-codes', headers: bearer(session.access_token), payload: { code: '123456' } })
  t.equal(regen.json().code, 'mfa_required')
  const remove = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(session.access_token), payload: { code: '123456' } })
  t.equal(remove.json().code, 'mfa_required')

  clock.advance(STEP_MS)
  const stepped = await app.inject({ method: 'POST', url: '/auth/mfa/step-up', headers: bearer(session.access_token), payload: { code: totpCode(user.secret, clock.now()) } })
  t.equal(stepped.statusCode, 200, stepped.body)
  const raised = stepped.json().access_token
  t.same(claimsOf(raised).amr, ['pwd', 'otp'])
  t.equal(claimsOf(raised).sid, claimsOf(session.access_token).sid, 'the same session')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).statusCode, 200, 'no logout: the old token still works')
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: session.refresh_token } })
  t.equal(claimsOf(refreshed.json().access_token).acr, 'aal2', 'the refresh token now refreshes at aal2')
  const changed = await app.inject({ method: 'POST', url: '/auth/password', headers: bearer(raised), payload: { current_password: PASSWORD, new_password: 'another brand new passphrase' } })
  t.equal(changed.statusCode, 204, changed.body)

  const replayed = await app.inject({ method: 'POST', url: '/auth/mfa/step-up', headers: bearer(session.access_token), payload: { code: totpCode(user.secret, clock.now()) } })
  t.equal(replayed.json().code, 'invalid_mfa_code', 'a step-up code is not reusable either')
})

t.test('mfa removal - needs the second factor; afterwards the password alone logs in again', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const user = await userWithTotp(app, clock.now)
  const wrong = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(user.accessToken), payload: { recovery_code: 'AAAAA-AAAAA' } })
  t.equal(wrong.json().code, 'invalid_mfa_code')
  const removed = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(user.accessToken), payload: { recovery_code: user.recoveryCodes[0] } })
  t.equal(removed.statusCode, 204, removed.body)
  t.equal(await app.store.findTotpFactor(user.id), null)
  t.equal(await app.store.countRecoveryCodes(user.id), 0, 'recovery codes go with the last factor')
  t.equal((await passwordLogin(app, user.username)).statusCode, 200)
})

import t from 'tap'
import { bearer, registerAndLogin } from '../helper.js'
import { passkeySetup } from './passkey-fixture.js'

t.test('register - options, then the authenticator\'s answer: a discoverable passkey bound to this RP ID', async (t) => {
  const { app, user, authenticator, registrationOptions, registerVerify } = await passkeySetup(t)
  const { res, challenge_id: challengeId, options } = await registrationOptions()
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.match(options, { rp: { id: 'localhost' }, attestation: 'none', authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }, excludeCredentials: [] })
  t.equal(Buffer.from(options.user.id, 'base64url').toString(), user.id, 'the user handle is the user id (no name, no email)')

  const created = await registerVerify(challengeId, authenticator.create(options))
  t.equal(created.statusCode, 201, created.body)
  const { recovery_codes: recoveryCodes, ...summary } = created.json() as Record<string, unknown>
  t.same(Object.keys(summary).sort(), ['backed_up', 'created_at', 'id', 'last_used_at', 'name'], 'no public key, counter or transports')
  t.equal((recoveryCodes as string[]).length, 10, 'the account\'s first factor comes with recovery codes')
  t.match(summary, { name: 'Soft key', last_used_at: null, backed_up: false, created_at: '2026-12-06T21:00:00.000Z' })

  const list = await app.inject({ url: '/auth/passkeys', headers: bearer(user.access_token) })
  t.same(list.json(), { passkeys: [summary] })
  const again = await registrationOptions()
  t.same(again.options.excludeCredentials.map((credential) => credential.id), [summary.id], 'the next options exclude it')
})

t.test('register/options - a password-only session types the current password', async (t) => {
  const { registrationOptions } = await passkeySetup(t)
  const missing = await registrationOptions(undefined, {})
  t.equal(missing.res.statusCode, 403)
  t.equal(missing.res.json().code, 'reauthentication_required')
  const wrong = await registrationOptions(undefined, { password: 'not the password at all' })
  t.equal(wrong.res.statusCode, 403)
  t.equal(wrong.res.json().code, 'invalid_credentials')
  t.equal((await registrationOptions(undefined, { password: 'x'.repeat(1025) })).res.statusCode, 400, 'oversized password: schema')
})

t.test('register/options - an aal2 session (logged in with a user-verified passkey) needs no password', async (t) => {
  const { registerPasskey, passkeyLogin, registrationOptions } = await passkeySetup(t)
  await registerPasskey()
  const pair = (await passkeyLogin()).json() as { access_token: string }
  t.equal((await registrationOptions(pair.access_token, {})).res.statusCode, 200)
})

t.test('register/verify - a challenge works once, for its user and purpose, and not after 5 minutes', async (t) => {
  const { app, clock, authenticator, registrationOptions, registerVerify, loginOptions } = await passkeySetup(t)
  const { challenge_id: challengeId, options } = await registrationOptions()
  const response = authenticator.create(options)
  t.equal((await registerVerify(challengeId, response)).statusCode, 201)
  const reused = await registerVerify(challengeId, authenticator.create(options))
  t.equal(reused.statusCode, 400)
  t.equal(reused.json().code, 'invalid_challenge', 'reused challenge_id')

  const login = await loginOptions()
  const otherPurpose = await registerVerify(login.challenge_id, authenticator.create({ ...options, challenge: login.options.challenge }))
  t.equal(otherPurpose.json().code, 'invalid_challenge', 'a login challenge cannot register')

  const someoneElse = await registerAndLogin(app)
  const theirs = await registrationOptions()
  const stolen = await registerVerify(theirs.challenge_id, authenticator.create(theirs.options), someoneElse.access_token)
  t.equal(stolen.json().code, 'invalid_challenge', 'another user\'s challenge')

  const late = await registrationOptions()
  clock.now += 5 * 60 * 1000
  const expired = await registerVerify(late.challenge_id, authenticator.create(late.options))
  t.equal(expired.json().code, 'invalid_challenge', 'expired after 5 minutes')
})

t.test('register/verify - the wrong origin, RP ID or challenge is refused and nothing is stored', async (t) => {
  const { app, user, authenticator, registrationOptions, registerVerify } = await passkeySetup(t)
  const cases = [
    { name: 'origin', tamper: (options: Parameters<typeof authenticator.create>[0]) => authenticator.create(options, { origin: 'http://localhost:3001' }) },
    { name: 'rp id', tamper: (options: Parameters<typeof authenticator.create>[0]) => authenticator.create({ ...options, rp: { id: 'evil.example' } }) },
    { name: 'challenge', tamper: (options: Parameters<typeof authenticator.create>[0]) => authenticator.create({ ...options, challenge: 'AAAA' }) }
  ]
  for (const { name, tamper } of cases) {
    const { challenge_id: challengeId, options } = await registrationOptions()
    const res = await registerVerify(challengeId, tamper(options))
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().code, 'passkey_rejected', name)
  }
  t.same((await app.inject({ url: '/auth/passkeys', headers: bearer(user.access_token) })).json(), { passkeys: [] })
})

t.test('register - WEBAUTHN_ORIGINS and WEBAUTHN_RP_ID replace the defaults', async (t) => {
  const { authenticator, registrationOptions, registerVerify } = await passkeySetup(t, { env: { WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://auth.example.com,https://app.example.com' } })
  const { challenge_id: challengeId, options } = await registrationOptions()
  t.equal(options.rp.id, 'example.com')
  t.equal((await registerVerify(challengeId, authenticator.create(options, { origin: 'https://app.example.com' }))).statusCode, 201, 'a listed origin')
  const other = await registrationOptions()
  t.equal((await registerVerify(other.challenge_id, authenticator.create(other.options))).json().code, 'passkey_rejected', 'the default origin is no longer allowed')
})

import t from 'tap'
import { bearer, registerAndLogin } from '../helper.js'
import { claimsOf, passkeySetup } from './passkey-fixture.js'

const auditEvents = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.audit === true)

t.test('login - a usernameless login with a user-verified passkey opens an aal2 session', async (t) => {
  const logLines: string[] = []
  const { app, user, registerPasskey, loginOptions, loginVerify, authenticator } = await passkeySetup(t, { logLines })
  const passkeyId = await registerPasskey()
  const { challenge_id: challengeId, options } = await loginOptions()
  t.match(options, { rpId: 'localhost', allowCredentials: [], userVerification: 'preferred' }, 'no credential list: the browser offers what it holds')
  const res = await loginVerify(challengeId, authenticator.get(options))
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  const pair = res.json() as { access_token: string, refresh_token: string }
  t.match(claimsOf(pair.access_token), { sub: user.id, amr: ['hwk', 'user', 'mfa'], acr: 'aal2' })
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })).statusCode, 200)
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })
  t.match(claimsOf((refreshed.json() as { access_token: string }).access_token), { amr: ['hwk', 'user', 'mfa'], acr: 'aal2' }, 'refresh keeps the methods')
  const list = (await app.inject({ url: '/auth/passkeys', headers: bearer(pair.access_token) })).json() as { passkeys: Array<{ last_used_at: string | null }> }
  t.equal(list.passkeys[0]?.last_used_at, '2026-12-06T21:00:00.000Z', 'the use is recorded')
  t.match(auditEvents(logLines).filter((event) => String(event.event).startsWith('passkey')), [
    { event: 'passkey_registered', userId: user.id, passkeyId },
    { event: 'passkey_login', userId: user.id, passkeyId }
  ])
})

t.test('login - without user verification a passkey alone opens nothing, but still serves as the second factor after a password', async (t) => {
  const logLines: string[] = []
  const { app, user, registerPasskey, passkeyLogin, loginOptions, authenticator } = await passkeySetup(t, { userVerified: false, logLines })
  await registerPasskey()
  const alone = await passkeyLogin()
  t.equal(alone.statusCode, 401, 'possession alone is one factor: no session')
  t.equal(alone.json().code, 'invalid_passkey')
  t.match(auditEvents(logLines).filter((event) => event.event === 'login_failure'), [{ reason: 'passkey_user_not_verified', userId: user.id }])

  const password = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })
  t.equal(password.json().code, 'mfa_required')
  const { challenge_id: challengeId, options } = await loginOptions()
  const res = await app.inject({ method: 'POST', url: '/auth/passkeys/login/verify', payload: { challenge_id: challengeId, response: authenticator.get(options), mfa_token: password.json().mfa_token } })
  t.equal(res.statusCode, 200, res.body)
  t.match(claimsOf((res.json() as { access_token: string }).access_token), { amr: ['pwd', 'hwk'], acr: 'aal2' })
})

t.test('login - unknown passkey, another user\'s handle, bad signature and wrong origin get one and the same answer', async (t) => {
  const { app, registerPasskey, passkeyLogin, loginOptions, loginVerify, authenticator } = await passkeySetup(t)
  await registerPasskey()
  const other = await registerAndLogin(app)
  const replies = []
  const { challenge_id: challengeId, options } = await loginOptions()
  const unknown = authenticator.get(options)
  replies.push(await loginVerify(challengeId, { ...unknown, id: 'AAAAAAAAAAAAAAAAAAAAAA', rawId: 'AAAAAAAAAAAAAAAAAAAAAA' }))
  replies.push(await passkeyLogin({ userHandle: Buffer.from(other.id).toString('base64url') }))
  const forged = await loginOptions()
  const signed = authenticator.get(forged.options)
  replies.push(await loginVerify(forged.challenge_id, { ...signed, response: { ...signed.response, signature: Buffer.alloc(70, 1).toString('base64url') } }))
  replies.push(await passkeyLogin({ origin: 'http://evil.localhost:3000' }))
  for (const res of replies) {
    t.equal(res.statusCode, 401)
    t.same(res.json(), { statusCode: 401, error: 'Unauthorized', message: 'The passkey could not be verified', code: 'invalid_passkey' })
  }
  t.equal((await passkeyLogin()).statusCode, 200, 'the passkey itself still works')
})

t.test('login - a challenge works once, only for logins, and not after 5 minutes', async (t) => {
  const { clock, registerPasskey, registrationOptions, loginOptions, loginVerify, authenticator } = await passkeySetup(t)
  await registerPasskey()
  const { challenge_id: challengeId, options } = await loginOptions()
  t.equal((await loginVerify(challengeId, authenticator.get(options))).statusCode, 200)
  const replay = await loginVerify(challengeId, authenticator.get(options))
  t.equal(replay.statusCode, 400)
  t.equal(replay.json().code, 'invalid_challenge', 'reused')
  const register = await registrationOptions()
  t.equal((await loginVerify(register.challenge_id, authenticator.get({ ...options, challenge: register.options.challenge }))).json().code, 'invalid_challenge', 'a registration challenge cannot log in')
  const late = await loginOptions()
  clock.now += 5 * 60 * 1000
  t.equal((await loginVerify(late.challenge_id, authenticator.get(late.options))).json().code, 'invalid_challenge', 'expired')
})

t.test('login - 20 concurrent verifies of one challenge open at most one session', async (t) => {
  const { app, user, registerPasskey, loginOptions, loginVerify, authenticator } = await passkeySetup(t)
  await registerPasskey()
  const { challenge_id: challengeId, options } = await loginOptions()
  const assertion = authenticator.get(options)
  const replies = await Promise.all(Array.from({ length: 20 }, () => loginVerify(challengeId, assertion)))
  t.equal(replies.filter((res) => res.statusCode === 200).length, 1, 'one winner')
  t.same(new Set(replies.filter((res) => res.statusCode !== 200).map((res) => res.json().code)), new Set(['invalid_challenge']))
  // The login plus the password login of the fixture.
  t.equal((await app.store.listUserSessions(user.id, new Date('2026-12-06T21:00:00Z'))).length, 2)
})

t.test('login - 20 assertions with the same counter on 20 challenges: the compare-and-set lets one in', async (t) => {
  const { registerPasskey, loginOptions, loginVerify, authenticator } = await passkeySetup(t)
  await registerPasskey()
  const challenges = await Promise.all(Array.from({ length: 20 }, () => loginOptions()))
  // A cloned key: every copy signs with the counter the original is at.
  const assertions = challenges.map(({ options }) => authenticator.get(options, { counter: 7 }))
  const replies = await Promise.all(challenges.map(({ challenge_id: challengeId }, i) => loginVerify(challengeId, assertions[i])))
  t.equal(replies.filter((res) => res.statusCode === 200).length, 1)
  t.same(new Set(replies.filter((res) => res.statusCode !== 200).map((res) => res.json().code)), new Set(['invalid_passkey']))
})

t.test('login - a signature counter that does not go up is refused and audited as a cloned authenticator', async (t) => {
  const logLines: string[] = []
  const { user, registerPasskey, passkeyLogin } = await passkeySetup(t, { logLines })
  const passkeyId = await registerPasskey()
  t.equal((await passkeyLogin({ counter: 5 })).statusCode, 200)
  t.equal((await passkeyLogin({ counter: 5 })).json().code, 'invalid_passkey', 'the same counter again')
  t.equal((await passkeyLogin({ counter: 3 })).json().code, 'invalid_passkey', 'a lower counter')
  t.equal((await passkeyLogin({ counter: 6 })).statusCode, 200, 'a higher counter')
  t.match(auditEvents(logLines).filter((event) => event.event === 'passkey_counter_anomaly'), [
    { userId: user.id, passkeyId, storedCounter: 5, receivedCounter: 5 },
    { userId: user.id, passkeyId, storedCounter: 5, receivedCounter: 3 }
  ])
})

t.test('login - an authenticator without a counter (always 0) keeps working', async (t) => {
  const { registerPasskey, passkeyLogin } = await passkeySetup(t)
  await registerPasskey()
  t.equal((await passkeyLogin({ counter: 0 })).statusCode, 200)
  t.equal((await passkeyLogin({ counter: 0 })).statusCode, 200)
})

t.test('login - a disabled account is refused after the passkey checks out', async (t) => {
  const { app, user, registerPasskey, passkeyLogin } = await passkeySetup(t)
  await registerPasskey()
  await app.store.updateUser(user.id, { disabledAt: new Date() })
  const res = await passkeyLogin()
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'account_disabled')
})

t.test('login - the per-IP login budget covers the passkey routes', async (t) => {
  // Three guesses: the fixture's password login spent one.
  const { app } = await passkeySetup(t, { env: { RATE_LIMIT_AUTH_MAX: '3' } })
  const codes = []
  for (let i = 0; i < 3; i++) codes.push((await app.inject({ method: 'POST', url: '/auth/passkeys/login/options' })).statusCode)
  t.same(codes, [200, 200, 429])
  const verify = await app.inject({ method: 'POST', url: '/auth/passkeys/login/verify', payload: { challenge_id: 'x', response: {} } })
  t.equal(verify.statusCode, 429, 'verify spends the same budget')
})

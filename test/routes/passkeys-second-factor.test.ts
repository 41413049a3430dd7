import t from 'tap'
import { bearer, registerAndLogin } from '../helper.js'
import { softAuthenticator } from './soft-authenticator.js'
import { claimsOf, ORIGIN, passkeySetup, type RegistrationOptionsJson } from './passkey-fixture.js'

interface MfaRequired { code: string, mfa_token: string, methods: string[] }

t.test('a passkey completes a password login that answered mfa_required: amr pwd + hwk, aal2', async (t) => {
  const { app, user, registerPasskey, loginOptions, authenticator } = await passkeySetup(t)
  await registerPasskey()
  const verify = (challengeId: string, response: unknown, mfaToken: string) =>
    app.inject({ method: 'POST', url: '/auth/passkeys/login/verify', payload: { challenge_id: challengeId, response, mfa_token: mfaToken } })

  const password = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })
  t.equal(password.statusCode, 401, 'a passkey is a second factor: the password alone gets no tokens')
  const challenge = password.json() as MfaRequired
  t.match(challenge, { code: 'mfa_required' })
  t.ok(challenge.methods.includes('passkey'))

  const first = await loginOptions()
  const badToken = await verify(first.challenge_id, authenticator.get(first.options), 'not-a-live-mfa-token')
  t.equal(badToken.statusCode, 401)
  t.equal(badToken.json().code, 'invalid_mfa_token')

  // Another user of this server, with a passkey of their own, cannot answer this user's challenge.
  const intruder = await registerAndLogin(app)
  const intruderKey = softAuthenticator({ origin: ORIGIN })
  const creation = (await app.inject({ method: 'POST', url: '/auth/passkeys/register/options', headers: bearer(intruder.access_token), payload: { password: intruder.password } })).json() as { challenge_id: string, options: RegistrationOptionsJson }
  const created = await app.inject({ method: 'POST', url: '/auth/passkeys/register/verify', headers: bearer(intruder.access_token), payload: { challenge_id: creation.challenge_id, response: intruderKey.create(creation.options) } })
  t.equal(created.statusCode, 201)
  const theirs = await loginOptions()
  const foreign = await verify(theirs.challenge_id, intruderKey.get(theirs.options), challenge.mfa_token)
  t.equal(foreign.statusCode, 401)
  t.equal(foreign.json().code, 'invalid_passkey')

  // The refused tries left the password login's challenge alive, and the first login challenge unused.
  const res = await verify(first.challenge_id, authenticator.get(first.options), challenge.mfa_token)
  t.equal(res.statusCode, 200, res.body)
  t.match(claimsOf((res.json() as { access_token: string }).access_token), { sub: user.id, amr: ['pwd', 'hwk'], acr: 'aal2' })

  const again = await loginOptions()
  const replay = await verify(again.challenge_id, authenticator.get(again.options), challenge.mfa_token)
  t.equal(replay.json().code, 'invalid_mfa_token', 'the mfa_token works once')
})

t.test('a passkey-only account gets recovery codes with its first passkey: losing the passkey is not the end', async (t) => {
  const { app, user, registrationOptions, registerVerify, authenticator } = await passkeySetup(t)
  const first = await registrationOptions()
  const created = await registerVerify(first.challenge_id, authenticator.create(first.options))
  t.equal(created.statusCode, 201, created.body)
  const codes = (created.json() as { recovery_codes?: string[] }).recovery_codes ?? []
  t.equal(codes.length, 10, 'shown once, with the first factor')
  const second = await registrationOptions()
  const again = await registerVerify(second.challenge_id, softAuthenticator({ origin: ORIGIN }).create(second.options))
  t.equal(again.statusCode, 201, again.body)
  t.notOk('recovery_codes' in again.json(), 'a second passkey does not replace the codes')

  const password = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })
  t.match(password.json(), { code: 'mfa_required', methods: ['recovery_code', 'passkey'] })
  const res = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: password.json().mfa_token, recovery_code: codes[0] } })
  t.equal(res.statusCode, 200, res.body)
  t.match(claimsOf((res.json() as { access_token: string }).access_token), { sub: user.id, acr: 'aal2' })
})

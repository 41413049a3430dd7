import t from 'tap'
import { bearer, registerAndLogin } from '../helper.js'
import { passkeySetup } from './passkey-fixture.js'

t.test('DELETE /auth/passkeys/:id - needs an aal2 session; another user\'s passkey is a 404 like none', async (t) => {
  const logLines: string[] = []
  const { app, user, registerPasskey, passkeyLogin } = await passkeySetup(t, { logLines })
  const passkeyId = await registerPasskey()
  const url = `/auth/passkeys/${passkeyId}`

  const passwordOnly = await app.inject({ method: 'DELETE', url, headers: bearer(user.access_token) })
  t.equal(passwordOnly.statusCode, 403, 'a password-only session cannot remove a factor')
  t.equal(passwordOnly.json().code, 'mfa_required')

  const stranger = await registerAndLogin(app)
  const theirs = await app.inject({ method: 'DELETE', url, headers: bearer(stranger.access_token) })
  t.equal(theirs.statusCode, 403, 'checked before the passkey is even looked up')

  const aal2 = (await passkeyLogin()).json() as { access_token: string }
  const deleted = await app.inject({ method: 'DELETE', url, headers: bearer(aal2.access_token) })
  t.equal(deleted.statusCode, 204)
  t.same((await app.inject({ url: '/auth/passkeys', headers: bearer(aal2.access_token) })).json(), { passkeys: [] })
  const again = await app.inject({ method: 'DELETE', url, headers: bearer(aal2.access_token) })
  t.equal(again.statusCode, 404)
  t.equal((await passkeyLogin()).json().code, 'invalid_passkey', 'a deleted passkey logs no one in')
  const events = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'passkey_deleted')
  t.match(events, [{ userId: user.id, passkeyId }])
})

t.test('DELETE /auth/passkeys/:id - someone else\'s passkey id, from an aal2 session, is a 404', async (t) => {
  const first = await passkeySetup(t)
  const passkeyId = await first.registerPasskey()
  const aal2 = (await first.passkeyLogin()).json() as { access_token: string }
  // A second user with a passkey of their own, logged in at aal2.
  const { app } = first
  const other = await registerAndLogin(app)
  const options = (await app.inject({ method: 'POST', url: '/auth/passkeys/register/options', headers: bearer(other.access_token), payload: { password: other.password } })).json() as { challenge_id: string, options: Parameters<typeof first.authenticator.create>[0] }
  const created = await app.inject({ method: 'POST', url: '/auth/passkeys/register/verify', headers: bearer(other.access_token), payload: { challenge_id: options.challenge_id, response: first.authenticator.create(options.options) } })
  t.equal(created.statusCode, 201)
  const otherId = (created.json() as { id: string }).id
  t.equal((await app.inject({ method: 'DELETE', url: `/auth/passkeys/${otherId}`, headers: bearer(aal2.access_token) })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: `/auth/passkeys/${passkeyId}`, headers: bearer(aal2.access_token) })).statusCode, 204)
})

t.test('GET /auth/passkeys - needs a token; lists only the caller\'s passkeys', async (t) => {
  const { app, registerPasskey } = await passkeySetup(t)
  await registerPasskey()
  t.equal((await app.inject({ url: '/auth/passkeys' })).statusCode, 401)
  const stranger = await registerAndLogin(app)
  t.same((await app.inject({ url: '/auth/passkeys', headers: bearer(stranger.access_token) })).json(), { passkeys: [] })
})

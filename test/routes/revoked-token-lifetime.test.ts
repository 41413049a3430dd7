import t from 'tap'
import { basic, bearer, build, registerAndLogin } from '../helper.js'

/**
 * A revoked access token must stay refused for as long as the verifier would accept it: until its
 * exp plus the clock tolerance. One injected clock drives the signer, the verifier and the
 * revocation view's pruning, so the test moves time instead of waiting.
 */
const TTL_SECONDS = 60
const TOLERANCE_MS = 30_000

async function setup (t: Parameters<typeof build>[0]) {
  const clock = { now: Date.now() }
  const app = await build(t, { now: () => clock.now, env: { ACCESS_TOKEN_TTL: String(TTL_SECONDS), INTROSPECTION_CLIENTS: 'gateway:gateway-secret' } })
  const user = await registerAndLogin(app)
  const issuedAt = clock.now
  const me = async () => (await app.inject({ url: '/auth/me', headers: bearer(user.access_token) })).statusCode
  /** Moves the clock to `ms` after the token was issued, and lets the view drop what expired by then. */
  const at = async (ms: number) => {
    clock.now = issuedAt + ms
    await app.revocations.sync()
  }
  return { app, user, me, at }
}

const ended = [
  ['logout', '/auth/logout'],
  ['logout-all', '/auth/logout-all']
] as const

for (const [name, url] of ended) {
  t.test(`${name} - the token stays refused past its exp, through the whole clock tolerance`, async (t) => {
    const { app, user, me, at } = await setup(t)
    t.equal(await me(), 200)
    t.equal((await app.inject({ method: 'POST', url, headers: bearer(user.access_token) })).statusCode, 204)
    t.equal(await me(), 401)
    await at(TTL_SECONDS * 1000 + 1000)
    t.equal(await me(), 401, 'just after exp: the verifier still accepts it, the revocation must hold')
    await at(TTL_SECONDS * 1000 + TOLERANCE_MS - 1000)
    t.equal(await me(), 401, 'at the end of the tolerance')
    await at(TTL_SECONDS * 1000 + TOLERANCE_MS + 1000)
    t.equal(await me(), 401, 'expired for good')
  })
}

t.test('a live token of a session that was never ended is accepted within the tolerance (the test can fail)', async (t) => {
  const { me, at } = await setup(t)
  await at(TTL_SECONDS * 1000 + TOLERANCE_MS - 1000)
  t.equal(await me(), 200)
  await at(TTL_SECONDS * 1000 + TOLERANCE_MS + 1000)
  t.equal(await me(), 401)
})

t.test('POST /oauth/introspect - an access token whose exp has passed is inactive, with no tolerance', async (t) => {
  const { app, user, at } = await setup(t)
  const introspect = async () => (await app.inject({
    method: 'POST',
    url: '/oauth/introspect',
    headers: basic('gateway', 'gateway-secret'),
    payload: { token: user.access_token, token_type_hint: 'access_token' }
  })).json() as { active: boolean }
  await at(TTL_SECONDS * 1000 - 1000)
  t.equal((await introspect()).active, true)
  await at(TTL_SECONDS * 1000 + 1000)
  t.same(await introspect(), { active: false })
})

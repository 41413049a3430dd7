import t from 'tap'
import { basic, bearer, build, register, PASSWORD } from '../helper.js'

const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString()
})

t.test('POST /oauth/token - password and refresh grants, form-encoded, as RFC 6749 section 5.1', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const res = await app.inject({ url: '/oauth/token', ...form({ grant_type: 'password', username: user.username, password: PASSWORD }) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const pair = res.json()
  t.match(pair, { token_type: 'Bearer', expires_in: 900, access_token: String, refresh_token: String })
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(pair.access_token) })).statusCode, 200)

  const refreshed = await app.inject({ url: '/oauth/token', ...form({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }) })
  t.equal(refreshed.statusCode, 200)
  const replay = await app.inject({ url: '/oauth/token', ...form({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }) })
  t.equal(replay.statusCode, 400)
  t.match(replay.json(), { error: 'invalid_grant' }, 'same rotation rules as /auth/refresh')

  const viaAuthRefresh = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshed.json().refresh_token } })
  t.equal(viaAuthRefresh.statusCode, 200, 'one session model for /oauth and /auth')
})

t.test('POST /oauth/token - also takes JSON, and HTTP Basic for the password grant', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const json = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', username: user.username, password: PASSWORD } })
  t.equal(json.statusCode, 200)
  const viaBasic = await app.inject({ url: '/oauth/token', ...form({ grant_type: 'password' }), headers: { ...form({}).headers, ...basic(user.username, PASSWORD) } })
  t.equal(viaBasic.statusCode, 200)
})

t.test('POST /oauth/token - errors exactly as RFC 6749 section 5.2', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const cases: Array<[Record<string, string>, number, string]> = [
    [{ grant_type: 'password', username: user.username, password: 'wrong password' }, 400, 'invalid_grant'],
    [{ grant_type: 'password', username: 'nobody_at_all', password: PASSWORD }, 400, 'invalid_grant'],
    [{ grant_type: 'password', username: user.username }, 400, 'invalid_request'],
    [{ grant_type: 'refresh_token' }, 400, 'invalid_request'],
    [{ grant_type: 'refresh_token', refresh_token: 'not-a-token' }, 400, 'invalid_grant'],
    [{ grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
    [{ grant_type: 'authorization_code', code: 'x' }, 400, 'unsupported_grant_type'],
    [{}, 400, 'invalid_request']
  ]
  const bodies = new Set<string>()
  for (const [fields, status, error] of cases) {
    const res = await app.inject({ url: '/oauth/token', ...form(fields) })
    t.equal(res.statusCode, status, JSON.stringify(fields))
    t.equal(res.json().error, error, JSON.stringify(fields))
    t.same(Object.keys(res.json()).sort(), ['error', 'error_description'])
    t.equal(res.headers['cache-control'], 'no-store')
    if (error === 'invalid_grant' && fields.password !== undefined) bodies.add(res.body)
  }
  t.equal(bodies.size, 1, 'wrong password and unknown user answer the same body')
  const badBasic = await app.inject({ url: '/oauth/token', ...form({ grant_type: 'password' }), headers: { ...form({}).headers, authorization: 'Basic %%%' } })
  t.equal(badBasic.statusCode, 401)
  t.equal(badBasic.json().error, 'invalid_client')
  t.match(badBasic.headers['www-authenticate'], /^Basic/)
  const xml = await app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/xml' }, payload: '<x/>' })
  t.equal(xml.statusCode, 400)
  t.equal(xml.json().error, 'invalid_request')
})

t.test('POST /oauth/revoke - ends the session of a refresh or access token; 200 for unknown tokens', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const issue = async () => (await app.inject({ url: '/oauth/token', ...form({ grant_type: 'password', username: user.username, password: PASSWORD }) })).json()
  const first = await issue()
  const byRefresh = await app.inject({ url: '/oauth/revoke', ...form({ token: first.refresh_token, token_type_hint: 'refresh_token' }) })
  t.equal(byRefresh.statusCode, 200)
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(first.access_token) })).statusCode, 401)
  const second = await issue()
  t.equal((await app.inject({ url: '/oauth/revoke', ...form({ token: second.access_token }) })).statusCode, 200, 'a wrong or missing hint is fine')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: second.refresh_token } })).statusCode, 401)
  t.equal((await app.inject({ url: '/oauth/revoke', ...form({ token: 'unknown-token', token_type_hint: 'whatever' }) })).statusCode, 200)
  const missing = await app.inject({ url: '/oauth/revoke', ...form({}) })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'invalid_request')
})

t.test('POST /oauth/introspect - needs client credentials; inactive for anything invalid', async (t) => {
  const app = await build(t, { env: { INTROSPECTION_CLIENTS: 'gateway:s3cret:with:colons,billing:other' } })
  const user = await register(app)
  const pair = (await app.inject({ url: '/oauth/token', ...form({ grant_type: 'password', username: user.username, password: PASSWORD }) })).json()
  const introspect = (token: string, authorization = basic('gateway', 's3cret:with:colons').authorization) =>
    app.inject({ url: '/oauth/introspect', ...form({ token }), headers: { ...form({}).headers, authorization } })

  for (const authorization of ['', basic('gateway', 'wrong').authorization, basic('nobody', 's3cret:with:colons').authorization, 'Basic ###']) {
    const res = await introspect(pair.access_token, authorization)
    t.equal(res.statusCode, 401)
    t.equal(res.json().error, 'invalid_client')
  }
  const active = (await introspect(pair.access_token)).json()
  t.match(active, { active: true, token_type: 'access_token', sub: user.id, roles: ['user'], scope: 'user', iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server' })
  t.type(active.exp, 'number')
  t.type(active.sid, 'string')
  t.match((await introspect(pair.refresh_token)).json(), { active: true, token_type: 'refresh_token', sub: user.id, sid: active.sid })
  t.same((await introspect('garbage')).json(), { active: false })
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(pair.access_token) })
  t.same((await introspect(pair.access_token)).json(), { active: false }, 'revoked')
  t.same((await introspect(pair.refresh_token)).json(), { active: false }, 'revoked')
})

import t from 'tap'
import { basic, build, register, PASSWORD } from '../helper.js'
import { decodeHeader, decodePayload } from '../forge.js'

const jsonLogin = (username: unknown, password: unknown) =>
  ({ method: 'POST' as const, url: '/auth/login', payload: { username, password } as Record<string, unknown> })

t.test('POST /auth/login - should issue a token pair for JSON credentials', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const res = await app.inject(jsonLogin(user.username.toUpperCase(), PASSWORD))
  t.equal(res.statusCode, 200, 'the username is case-insensitive')
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'])
  t.equal(body.token_type, 'Bearer')
  t.equal(body.expires_in, 900)
  t.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url')
  t.match(decodeHeader(body.access_token), { alg: 'HS256', typ: 'JWT', kid: /^[A-Za-z0-9_-]{43}$/ })
  const claims = decodePayload(body.access_token)
  t.match(claims, { sub: user.id, typ: 'access', roles: ['user'], iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server' })
  t.type(claims.sid, 'string')
  t.type(claims.jti, 'string')
  t.equal((claims.exp as number) - (claims.iat as number), 900)
})

t.test('POST /auth/login - should accept HTTP Basic with unicode and colons in the password', async (t) => {
  const app = await build(t)
  const password = 'ünïcødé: with: colons'
  const user = await register(app, undefined, password)
  const res = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, password) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(decodePayload(res.json().access_token).sub, user.id)
})

t.test('POST /auth/login - should answer unknown user and wrong password identically', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const replies = [
    await app.inject(jsonLogin(user.username, 'wrong password!')),
    await app.inject(jsonLogin('no_such_user_anywhere', PASSWORD)),
    await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, 'wrong password!') }),
    await app.inject({ method: 'POST', url: '/auth/login', headers: basic('no_such_user_anywhere', PASSWORD) })
  ]
  for (const res of replies) {
    t.equal(res.statusCode, 401)
    t.same(res.json(), { statusCode: 401, error: 'Unauthorized', message: 'Invalid username or password', code: 'invalid_credentials' })
    t.equal(res.headers['www-authenticate'], 'Basic realm="auth", charset="UTF-8"')
  }
})

t.test('POST /auth/login - should spend one argon2 verification on an unknown user too', async (t) => {
  const app = await build(t)
  const argon2 = (await import('@node-rs/argon2')).default
  const realVerify = argon2.verify
  let verifications = 0
  argon2.verify = async (...args: Parameters<typeof realVerify>) => { verifications++; return realVerify(...args) }
  t.teardown(() => { argon2.verify = realVerify })
  const res = await app.inject(jsonLogin('nobody_here', PASSWORD))
  t.equal(res.statusCode, 401)
  t.equal(verifications, 1)
})

t.test('POST /auth/login - should answer 401, never 500, for malformed Basic headers', async (t) => {
  const app = await build(t)
  const headers = ['Basic', 'Basic ', 'Basic !!!notbase64', `Basic ${Buffer.from('no-colon').toString('base64')}`,
    `Basic ${Buffer.from('a\u0000b:c').toString('base64')}`, 'Basic a b c', `basic ${'A'.repeat(2000)}`]
  for (const authorization of headers) {
    const res = await app.inject({ method: 'POST', url: '/auth/login', headers: { authorization } })
    t.equal(res.statusCode, 401, authorization.slice(0, 30))
    t.match(res.json(), { statusCode: 401 })
    t.ok(res.headers['www-authenticate'], 'a challenge comes with every 401')
  }
})

t.test('POST /auth/login - should answer 401 without credentials and 400 for a malformed body', async (t) => {
  const app = await build(t)
  const none = await app.inject({ method: 'POST', url: '/auth/login' })
  t.equal(none.statusCode, 401)
  t.match(none.json(), { code: 'invalid_credentials' })
  const wrongTypes = await app.inject(jsonLogin({ $ne: null }, { $gt: '' }))
  t.equal(wrongTypes.statusCode, 400)
  t.match(wrongTypes.json(), { code: 'invalid_request' })
  const broken = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' })
  t.equal(broken.statusCode, 400)
})

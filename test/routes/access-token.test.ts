import t from 'tap'
import { bearer, build, registerAndLogin, TEST_SECRET } from '../helper.js'
import { decodeHeader, decodePayload, forgeHs, forgeUnsigned } from '../forge.js'

const ISS = 'fastify-jwt-auth-server'

t.test('guard - should refuse every forged, altered or misplaced token with 401 invalid_token', async (t) => {
  const app = await build(t)
  const user = await registerAndLogin(app)
  const now = Math.floor(Date.now() / 1000)
  const good = decodePayload(user.access_token)
  const hs = decodeHeader(user.access_token) // { alg, typ, kid }: forged tokens name our real key
  const claims = { ...good, iat: now, exp: now + 600 }
  const [header, payload, signature] = user.access_token.split('.') as [string, string, string]
  const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA')

  const attacks: Record<string, string> = {
    'alg none': forgeUnsigned(claims, hs.kid),
    'alg none with our signature kept': `${forgeUnsigned(claims, hs.kid).slice(0, -1)}${signature}`,
    'HS512 with the right secret': forgeHs({ ...hs, alg: 'HS512' }, claims, TEST_SECRET, 'sha512'),
    'HS256 with another secret': forgeHs(hs, claims, 'another-secret-another-secret-another'),
    expired: forgeHs(hs, { ...claims, iat: now - 2000, exp: now - 1000 }, TEST_SECRET),
    'wrong issuer': forgeHs(hs, { ...claims, iss: 'evil' }, TEST_SECRET),
    'wrong audience': forgeHs(hs, { ...claims, aud: 'other-service' }, TEST_SECRET),
    'wrong type marker': forgeHs(hs, { ...claims, typ: 'refresh' }, TEST_SECRET),
    'no type marker': forgeHs(hs, { ...claims, typ: undefined }, TEST_SECRET),
    'no session id': forgeHs(hs, { ...claims, sid: undefined }, TEST_SECRET),
    'altered payload': `${header}.${Buffer.from(JSON.stringify({ ...good, roles: ['admin'] })).toString('base64url')}.${signature}`,
    'altered signature': `${header}.${payload}.${flipped}`,
    'stripped signature': `${header}.${payload}.`,
    'refresh token as access token': user.refresh_token,
    garbage: 'not.a.jwt',
    'empty parts': '..'
  }
  for (const [name, token] of Object.entries(attacks)) {
    const res = await app.inject({ url: '/protected/hello', headers: bearer(token) })
    t.equal(res.statusCode, 401, name)
    t.match(res.json(), { statusCode: 401, code: 'invalid_token' }, name)
    t.match(res.headers['www-authenticate'], /^Bearer /, name)
  }
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(user.access_token) })).statusCode, 200, 'the genuine token still works')
  const control = forgeHs(hs, claims, TEST_SECRET)
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(control) })).statusCode, 200,
    'control: the same forging with the right secret and claims passes, so each refusal above has its own cause')
  t.equal(ISS, good.iss)
})

t.test('guard - should accept the token only in the Authorization header as Bearer', async (t) => {
  const app = await build(t)
  const { access_token: token } = await registerAndLogin(app)
  const refused = [
    { url: `/protected/hello?access_token=${token}` },
    { url: `/protected/hello?token=${token}` },
    { url: '/protected/hello', headers: { authorization: token } },
    { url: '/protected/hello', headers: { authorization: `Token ${token}` } },
    { url: '/protected/hello', headers: { authorization: `Bearer ${token} extra` } },
    { url: '/protected/hello', headers: { cookie: `token=${token}` } },
    { url: '/protected/hello' }
  ]
  for (const request of refused) {
    const res = await app.inject(request)
    t.equal(res.statusCode, 401, JSON.stringify(request).slice(0, 80))
    t.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"')
  }
  t.equal((await app.inject({ url: '/protected/hello', headers: { authorization: `bearer ${token}` } })).statusCode, 200, 'scheme is case-insensitive')
})

t.test('POST /auth/refresh - should refuse an access token', async (t) => {
  const app = await build(t)
  const { access_token: token } = await registerAndLogin(app)
  const res = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'invalid_refresh_token' })
})

import { createRemoteJWKSet, jwtVerify } from 'jose'
import t from 'tap'
import { build, registerAndLogin, TEST_SECRET } from '../helper.js'
import { ASYMMETRIC, keyDir } from './key-dirs.js'

const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'api.example.test'

for (const alg of ASYMMETRIC) {
  t.test(`${alg} - tokens verify with jose from our remote JWKS, which holds public keys only`, async (t) => {
    const { dir, keys } = keyDir(t, alg)
    const app = await build(t, { env: { JWT_ALGORITHM: alg, JWT_PRIVATE_KEYS: dir, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } })
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const user = await registerAndLogin(app)

    const res = await fetch(`${base}/.well-known/jwks.json`)
    t.equal(res.status, 200)
    t.match(res.headers.get('cache-control'), /max-age=\d+/)
    const jwks = await res.json() as { keys: Array<Record<string, unknown>> }
    t.equal(jwks.keys.length, 1)
    t.match(jwks.keys[0], { kid: keys[0]!.kid, alg, use: 'sig' })
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) t.notOk(privateMember in jwks.keys[0]!, `no "${privateMember}" member`)

    const { payload, protectedHeader } = await jwtVerify(user.access_token, createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)), {
      issuer: ISSUER, audience: AUDIENCE, algorithms: [alg]
    })
    t.equal(protectedHeader.kid, keys[0]!.kid)
    t.equal(payload.sub, user.id)
    t.equal((await app.inject({ url: '/protected/hello', headers: { authorization: `Bearer ${user.access_token}` } })).statusCode, 200)
  })
}

t.test('HS256 - publishes an empty key set and its tokens verify with the shared secret', async (t) => {
  const app = await build(t, { env: { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } })
  const user = await registerAndLogin(app)
  t.same((await app.inject('/.well-known/jwks.json')).json(), { keys: [] })
  const { payload } = await jwtVerify(user.access_token, new TextEncoder().encode(TEST_SECRET), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] })
  t.equal(payload.sub, user.id)
})

t.test('discovery - names our endpoints, grants and algorithm', async (t) => {
  const { dir } = keyDir(t, 'EdDSA')
  const app = await build(t, { env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEYS: dir, JWT_ISSUER: ISSUER } })
  for (const url of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200)
    t.match(res.json(), {
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      token_endpoint: `${ISSUER}/oauth/token`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      grant_types_supported: ['password', 'refresh_token'],
      id_token_signing_alg_values_supported: ['EdDSA']
    })
  }
  const local = await build(t)
  t.match((await local.inject({ url: '/.well-known/openid-configuration', headers: { host: 'localhost:3000' } })).json(), {
    jwks_uri: 'http://127.0.0.1:3000/.well-known/jwks.json'
  }, 'with a non-URL issuer and no PUBLIC_URL the endpoints are on HOST:PORT, never on the Host header')
})

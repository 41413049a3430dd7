import { createServer } from 'node:net'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import t from 'tap'
import { build, register, PASSWORD } from '../helper.js'
import { keyDir } from '../keys/key-dirs.js'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test('a standard OAuth 2.0 client (oauth4webapi) - discovery, password grant, refresh, introspection, revocation over HTTP', async (t) => {
  const port = await freePort()
  const issuer = new URL(`http://127.0.0.1:${port}`)
  const { dir } = keyDir(t, 'EdDSA')
  const app = await build(t, {
    env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEYS: dir, JWT_ISSUER: issuer.origin, JWT_AUDIENCE: 'api', INTROSPECTION_CLIENTS: 'gateway:gateway-secret' }
  })
  await app.listen({ host: '127.0.0.1', port })
  const user = await register(app)
  const insecure = { [oauth.allowInsecureRequests]: true } // plain http on loopback only

  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }))
  const publicClient: oauth.Client = { client_id: 'demo-spa' }
  const granted = await oauth.processGenericTokenEndpointResponse(as, publicClient,
    await oauth.genericTokenEndpointRequest(as, publicClient, oauth.None(), 'password', new URLSearchParams({ username: user.username, password: PASSWORD }), insecure))
  t.equal(granted.token_type, 'bearer')
  t.equal(granted.expires_in, 900)
  const { payload } = await jwtVerify(granted.access_token, createRemoteJWKSet(new URL(as.jwks_uri!), insecure as object), { issuer: issuer.origin, audience: 'api' })
  t.equal(payload.sub, user.id)

  const refreshed = await oauth.processRefreshTokenResponse(as, publicClient,
    await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), granted.refresh_token!, insecure))
  t.not(refreshed.refresh_token, granted.refresh_token)

  const gateway: oauth.Client = { client_id: 'gateway' }
  const introspect = async (token: string) => oauth.processIntrospectionResponse(as, gateway,
    await oauth.introspectionRequest(as, gateway, oauth.ClientSecretBasic('gateway-secret'), token, insecure))
  t.match(await introspect(refreshed.access_token), { active: true, sub: user.id, token_type: 'access_token' })

  await oauth.processRevocationResponse(await oauth.revocationRequest(as, publicClient, oauth.None(), refreshed.refresh_token!, insecure))
  t.match(await introspect(refreshed.access_token), { active: false }, 'revoking the refresh token ended the session')

  const refused = await oauth.refreshTokenGrantRequest(as, publicClient, oauth.None(), refreshed.refresh_token!, insecure)
  const failure = await oauth.processRefreshTokenResponse(as, publicClient, refused).then(() => null, (error: unknown) => error)
  t.ok(failure instanceof oauth.ResponseBodyError)
  t.equal((failure as oauth.ResponseBodyError).error, 'invalid_grant')
})

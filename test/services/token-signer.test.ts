import { createHmac, randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { loadKeySet, type KeySet, type SigningAlgorithm } from '../../services/keys.js'
import { createAccessTokenSigner } from '../../services/token-signer.js'
import { createAccessTokenVerifier } from '../../services/token-verifier.js'
import type { AccessPayload } from '../../services/tokens.js'
import { decodeHeader, decodePayload } from '../forge.js'
import { ASYMMETRIC, keyDir } from '../keys/key-dirs.js'

const ISSUER = 'issuer-under-test'
const AUDIENCE = 'audience-under-test'
const TTL = 900
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!'

function keySetFor (t: Parameters<typeof keyDir>[0], alg: SigningAlgorithm): KeySet {
  if (alg === 'HS256') return loadKeySet({ algorithm: alg, secret: SECRET, privateKeys: undefined })
  return loadKeySet({ algorithm: alg, secret: SECRET, privateKeys: keyDir(t, alg).dir })
}

const payload = (): AccessPayload => ({ sub: randomUUID(), sid: randomUUID(), jti: randomUUID(), typ: 'access', roles: ['user', 'admin'], amr: ['pwd'], acr: 'aal1', email_verified: false })

for (const alg of ['HS256', ...ASYMMETRIC] as SigningAlgorithm[]) {
  t.test(`${alg}: same header and claims as fast-jwt configured with iss, aud and expiresIn`, async (t) => {
    const keys = keySetFor(t, alg)
    const clock = Date.UTC(2030, 4, 6, 7, 8, 9, 999)
    const sign = createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL, now: () => clock })
    // How the signer was configured before (through @fastify/jwt): the claims come from options.
    const reference = createSigner({
      key: keys.current.signingKey,
      algorithm: keys.current.alg,
      kid: keys.current.kid,
      iss: ISSUER,
      aud: AUDIENCE,
      expiresIn: TTL * 1000,
      clockTimestamp: clock
    })
    const claims = payload()
    const ours = sign(claims)
    const theirs = reference(claims)
    t.same(decodeHeader(ours), { alg, typ: 'JWT', kid: keys.current.kid }, 'header: algorithm and kid of the current key')
    t.same(decodeHeader(ours), decodeHeader(theirs))
    t.same(decodePayload(ours), decodePayload(theirs), 'the same claims')
    t.same(decodePayload(ours), { ...claims, iss: ISSUER, aud: AUDIENCE, iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + TTL })
    t.notOk(Object.hasOwn(decodePayload(ours), 'nbf'), 'no nbf claim')
    if (alg === 'ES256') {
      t.equal(Buffer.from(ours.split('.')[2] ?? '', 'base64url').length, 64, 'ES256: a 64-byte r || s signature, not DER')
    } else {
      // fast-jwt's own signer, given the claims in our order (what signed our tokens until 2026-11-27).
      const plain = createSigner({ key: keys.current.signingKey, algorithm: keys.current.alg, kid: keys.current.kid })
      const iat = Math.floor(clock / 1000)
      t.equal(ours, plain({ ...claims, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + TTL }), 'a deterministic signature: the very bytes fast-jwt writes')
    }
  })

  t.test(`${alg}: the verifier accepts what the signer signs, and nothing signed with another key`, async (t) => {
    const keys = keySetFor(t, alg)
    const other = alg === 'HS256'
      ? loadKeySet({ algorithm: alg, secret: `${SECRET}-other`, privateKeys: undefined })
      : keySetFor(t, alg)
    const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, cacheSize: 0 })
    const claims = payload()
    const token = createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL })(claims)
    t.match(verify(token), { ...claims, iss: ISSUER, aud: AUDIENCE })
    // Same kid as ours (so the verifier picks our key), signed with the other key.
    const forged = createSigner({ key: other.current.signingKey, algorithm: alg, kid: keys.current.kid })({ ...claims, iss: ISSUER, aud: AUDIENCE })
    t.throws(() => verify(forged), 'a token with our kid but another key is refused')
    const wrongAudience = createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: 'someone-else', ttlSeconds: TTL })(claims)
    t.throws(() => verify(wrongAudience), 'the audience is checked')
  })
}

t.test('HS256: the signature is HMAC-SHA256 of header.payload with the secret (checked without fast-jwt)', async (t) => {
  const keys = keySetFor(t, 'HS256')
  const token = createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL })(payload())
  const [header, body, signature] = token.split('.') as [string, string, string]
  t.equal(signature, createHmac('sha256', SECRET).update(`${header}.${body}`).digest('base64url'))
})

t.test('expiry follows the clock and the lifetime', async (t) => {
  const keys = keySetFor(t, 'HS256')
  let clock = 1_800_000_000_500
  const sign = createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60, now: () => clock })
  t.match(decodePayload(sign(payload())), { iat: 1_800_000_000, exp: 1_800_000_060 })
  clock += 10_000
  t.match(decodePayload(sign(payload())), { iat: 1_800_000_010, exp: 1_800_000_070 })
})

t.test('a lifetime that is not a positive whole number of seconds is refused', async (t) => {
  const keys = keySetFor(t, 'HS256')
  for (const ttlSeconds of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => createAccessTokenSigner({ key: keys.current, issuer: ISSUER, audience: AUDIENCE, ttlSeconds }), RangeError, String(ttlSeconds))
  }
})

import { randomUUID } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { bearerToken } from '../../plugins/authenticate.js'
import { loadKeySet } from '../../services/keys.js'
import { createAccessTokenVerifier } from '../../services/token-verifier.js'

const ISSUER = 'issuer-under-test'
const AUDIENCE = 'audience-under-test'
const keys = loadKeySet({ algorithm: 'HS256', secret: 'a-test-secret-that-is-long-enough-for-hs256!', privateKeys: undefined })
const signWithOurKey = createSigner({ key: keys.current.signingKey, algorithm: 'HS256', kid: keys.current.kid })

/** A token our verifier accepts; `times` moves iat and exp (seconds since the epoch). */
function tokenFor (times: { iat?: number, exp?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000)
  return signWithOurKey({ sub: randomUUID(), sid: randomUUID(), jti: randomUUID(), typ: 'access', roles: ['user'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 900, ...times })
}

/** A copy with its own string object, as every request brings: nothing V8 cached on the original. */
const fresh = (text: string): string => Buffer.from(text, 'latin1').toString('latin1')

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

t.test('a remembered token is answered from the cache, the very claims object', async (t) => {
  const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE })
  const token = tokenFor()
  const first = verify(token)
  t.equal(verify(fresh(token)), first, 'a second presentation returns the remembered claims')
  const uncached = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, cacheSize: 0 })
  const verifiedOnce = uncached(token)
  t.not(uncached(token), verifiedOnce, 'control: without a cache every call verifies anew')
  t.same(uncached(token), first)
})

t.test('a token sharing the end of a remembered one is verified in full, and refused if forged', async (t) => {
  const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE })
  const genuine = tokenFor()
  const claims = verify(genuine) as Record<string, unknown>
  const [header, payload, signature] = genuine.split('.') as [string, string, string]
  const forgeries: Record<string, string> = {
    'another payload under the genuine signature': `${header}.${b64url({ ...claims, roles: ['admin'] })}.${signature}`,
    'the genuine token with a character in front': `A${genuine}`,
    'the genuine token with its first character changed': `${genuine.startsWith('e') ? 'f' : 'e'}${genuine.slice(1)}`,
    'a payload character changed': `${header}.${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}.${signature}`,
    'only the last 16 characters': genuine.slice(-16),
    'the last 17 characters': genuine.slice(-17),
    'a bare signature': signature
  }
  for (const [name, forged] of Object.entries(forgeries)) {
    t.equal(forged.slice(-16), genuine.slice(-16), `${name}: ends as the genuine token does`)
    t.throws(() => verify(forged), `${name}: refused`)
  }
  t.equal(verify(fresh(genuine)), claims, 'the genuine token is still remembered after the attempts')
})

t.test('a token that is not a b64token is refused, though its end matches a remembered token', async (t) => {
  const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE })
  const genuine = tokenFor()
  const claims = verify(genuine)
  const variants = [
    `x ${genuine}`,
    `x\t${genuine}`,
    `x\n${genuine}`,
    `é${genuine}`,
    `${genuine.slice(0, 20)} ${genuine.slice(20)}`,
    `${genuine.slice(0, 20)}%${genuine.slice(20)}`,
    `=${genuine}`
  ]
  // fast-jwt would refuse these too (the signature covers the text); they are refused before it parses anything.
  for (const variant of variants) t.throws(() => verify(variant), { message: 'not a b64token' }, JSON.stringify(variant.slice(0, 24)))
  t.throws(() => verify(`${genuine} extra`), { message: 'not a b64token' }, 'trailing text')
  t.equal(verify(genuine), claims)
})

t.test('the cache holds at most cacheSize tokens, dropping the oldest', async (t) => {
  const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, cacheSize: 3 })
  const tokens = [tokenFor(), tokenFor(), tokenFor(), tokenFor()]
  const claims = tokens.map((token) => verify(token))
  t.not(verify(tokens[0]!), claims[0], 'the oldest was dropped when the fourth came: verified anew')
  t.equal(verify(tokens[3]!), claims[3], 'the newest is remembered')
  t.equal(verify(tokens[2]!), claims[2])
})

t.test('times are checked against the injected clock: exp plus the 30 s tolerance, remembered or not', async (t) => {
  const clock = { now: Date.parse('2031-06-01T00:00:00Z') }
  const start = clock.now / 1000
  const token = tokenFor({ iat: start, exp: start + 60 })
  for (const cacheSize of [10, 0]) {
    const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, cacheSize, now: () => clock.now })
    clock.now = (start + 60 + 30) * 1000
    t.doesNotThrow(() => verify(token), `cache ${cacheSize}: accepted at exp + 30 s`)
    t.doesNotThrow(() => verify(token), `cache ${cacheSize}: and again`)
    clock.now += 1
    t.throws(() => verify(token), /expired/, `cache ${cacheSize}: refused 1 ms later`)
    clock.now = (start - 31) * 1000
    t.throws(() => verify(token), /issued in the future/, `cache ${cacheSize}: refused before iat - 30 s`)
  }
})

t.test('nbf is honoured with the tolerance, against the injected clock', async (t) => {
  const clock = { now: Date.parse('2031-06-01T00:00:00Z') }
  const start = clock.now / 1000
  const verify = createAccessTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE, cacheSize: 0, now: () => clock.now })
  t.throws(() => verify(tokenFor({ iat: start, exp: start + 900, nbf: start + 31 } as { iat: number, exp: number })), /not active yet/)
  t.doesNotThrow(() => verify(tokenFor({ iat: start, exp: start + 900, nbf: start + 30 } as { iat: number, exp: number })))
})

t.test('bearerToken: the scheme in any case, one space, then the token as sent', async (t) => {
  t.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi')
  t.equal(bearerToken('bearer abc'), 'abc')
  t.equal(bearerToken('BEARER abc'), 'abc')
  t.equal(bearerToken('bEaReR abc'), 'abc')
  t.equal(bearerToken('Bearer  abc'), ' abc', 'a second space stays in the token, which the verifier then refuses')
  for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Bearer\tabc', 'Bearerabc', 'Basic abc', 'Token abc', 'Bearex abc', 'Bea rer abc',
    'Bearer'.replace('B', '\u0142') + ' abc', 'b\u00e9arer abc', '"earer abc', 'Bearer\u00a0abc']) {
    t.equal(bearerToken(header), null, JSON.stringify(header))
  }
})

import { createPrivateKey, createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { exportJWK, SignJWT } from 'jose'
import t from 'tap'
import { bearer, build, registerAndLogin } from '../helper.js'
import { decodePayload, forgeHs, forgeUnsigned } from '../forge.js'
import { keyDir } from './key-dirs.js'

for (const alg of ['EdDSA', 'RS256'] as const) {
  t.test(`${alg} - a battery of hostile tokens: each 401, never a 5xx`, async (t) => {
    const { dir, keys } = keyDir(t, alg)
    const { kid, path } = keys[0]!
    const app = await build(t, { env: { JWT_ALGORITHM: alg, JWT_PRIVATE_KEYS: dir } })
    const user = await registerAndLogin(app)
    const privateKey = createPrivateKey(readFileSync(path, 'utf8'))
    const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
    const now = Math.floor(Date.now() / 1000)
    const claims = { ...decodePayload(user.access_token), iat: now, exp: now + 600 }
    /** Signed with OUR real private key: only the named defect may cause the refusal. */
    const signed = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT', ...header }).sign(privateKey)

    const [h, p, s] = user.access_token.split('.') as [string, string, string]
    const cases: Record<string, string> = {
      'alg none': forgeUnsigned(claims, kid),
      'HS256 signed with our public key PEM': forgeHs({ alg: 'HS256', typ: 'JWT', kid }, claims, publicPem),
      'HS256 signed with our public key PEM, no kid': forgeHs({ alg: 'HS256', typ: 'JWT' }, claims, publicPem),
      'stripped signature': `${h}.${p}.`,
      'altered signature': `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`,
      'altered payload': `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${s}`,
      'embedded jwk': await signed(claims, { jwk: await exportJWK(createPublicKey(privateKey)) }),
      jku: await signed(claims, { jku: 'https://evil.example/jwks.json' }),
      x5u: await signed(claims, { x5u: 'https://evil.example/cert.pem' }),
      x5c: await signed(claims, { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }),
      'kid path traversal': await signed(claims, { kid: '../../../../dev/null' }),
      'kid SQL injection': await signed(claims, { kid: "' OR '1'='1" }),
      'kid command injection': await signed(claims, { kid: 'x|rm -rf /' }),
      'kid unknown': await signed(claims, { kid: 'A'.repeat(43) }),
      'kid not a string': await signed(claims, { kid: 42 as unknown as string }),
      'expired beyond the 30 s skew': await signed({ ...claims, iat: now - 1000, exp: now - 31 }),
      'not yet valid beyond the 30 s skew': await signed({ ...claims, nbf: now + 60 }),
      'issued in the future beyond the skew': await signed({ ...claims, iat: now + 120, exp: now + 900 }),
      'wrong issuer': await signed({ ...claims, iss: 'https://evil.example' }),
      'wrong audience': await signed({ ...claims, aud: 'another-api' }),
      'oversized (over 8 KiB)': await signed({ ...claims, pad: 'x'.repeat(8 * 1024) })
    }
    for (const [name, token] of Object.entries(cases)) {
      const res = await app.inject({ url: '/protected/hello', headers: bearer(token) })
      t.equal(res.statusCode, 401, name)
    }
    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(await signed(claims)) })).statusCode, 200,
      'control: the same signing without a defect passes')
    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(await signed({ ...claims, iat: now - 1000, exp: now - 10 })) })).statusCode, 200,
      'control: expired by less than the 30 s skew still passes')
  })
}

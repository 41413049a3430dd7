import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { parseKeysGenerateArgs } from '../../cli/keys.js'
import { jwkThumbprint, loadKeySet } from '../../services/keys.js'
import { keyDir } from './key-dirs.js'

t.test('jwkThumbprint - should match the RFC 7638 section 3.1 example', async (t) => {
  const n = '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw'
  t.equal(jwkThumbprint({ kty: 'RSA', n, e: 'AQAB', alg: 'RS256', kid: '2011-04-29' } as never), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
})

t.test('loadKeySet - should refuse a missing, unreadable or mismatched key, naming JWT_PRIVATE_KEYS', async (t) => {
  const { dir } = keyDir(t, 'EdDSA')
  const empty = mkdtempSync(join(tmpdir(), 'auth-empty-'))
  t.teardown(() => rmSync(empty, { recursive: true, force: true }))
  writeFileSync(join(empty, 'broken.pem'), 'not a key')
  const cases: Array<[string, string | undefined]> = [
    ['EdDSA', undefined],
    ['ES256', dir],
    ['EdDSA', '/nonexistent/key.pem'],
    ['EdDSA', empty]
  ]
  for (const [algorithm, privateKeys] of cases) {
    t.throws(() => loadKeySet({ algorithm: algorithm as 'EdDSA', secret: 'x', privateKeys }), { name: 'ConfigError', message: /JWT_PRIVATE_KEYS/ }, `${algorithm} ${privateKeys}`)
  }
})

t.test('loadKeySet - should take the kid a JWK file gives', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-jwk-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { generateKeyPairSync } = await import('node:crypto')
  const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' })
  writeFileSync(join(dir, 'key.json'), JSON.stringify({ ...jwk, kid: 'ops-2030-01' }))
  const keys = loadKeySet({ algorithm: 'ES256', secret: 'x', privateKeys: dir })
  t.equal(keys.current.kid, 'ops-2030-01')
  t.match(keys.current.publicJwk, { kid: 'ops-2030-01', kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
  t.notOk('d' in (keys.current.publicJwk ?? {}), 'no private member in the public JWK')
})

t.test('keys:generate - should write a private key file only its owner can read, loadable as the newest key', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'auth-cli-')), 'keys')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const cli = join(import.meta.dirname, '..', '..', 'cli', 'index.ts')
  const run = (args: string[]) => promisify(execFile)(process.execPath, [...process.execArgv, cli, ...args])
  const { stdout } = await run(['keys:generate', '--alg', 'RS256', '--dir', dir])
  const kid = /kid (\S+)/.exec(stdout)?.[1]
  const keys = loadKeySet({ algorithm: 'RS256', secret: 'x', privateKeys: dir })
  t.equal(keys.current.kid, kid)
  const [file] = (await import('node:fs')).readdirSync(dir)
  t.equal(statSync(join(dir, file!)).mode & 0o777, 0o600)
  await t.rejects(run(['keys:generate', '--alg', 'HS256']), { code: 1, stderr: /--alg must be/ })
  await t.rejects(run(['nope']), { code: 2 })
  t.match((await run(['keys:generate', '--help'])).stdout, /Usage: npm run keys:generate/)
})

t.test('parseKeysGenerateArgs - should refuse unknown arguments', async (t) => {
  t.throws(() => parseKeysGenerateArgs(['--alg', 'EdDSA', '--force']), /unknown argument/)
  t.same(parseKeysGenerateArgs(['--alg', 'ES256']), { alg: 'ES256', dir: 'keys' })
})

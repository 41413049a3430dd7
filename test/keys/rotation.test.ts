import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, login, register } from '../helper.js'
import { decodeHeader } from '../forge.js'
import { keyDir } from './key-dirs.js'

t.test('rotation - add key B: B signs, A still verifies; remove A: A\'s tokens are refused', async (t) => {
  const a = keyDir(t, 'ES256')
  const b = keyDir(t, 'ES256')
  const keyA = a.keys[0]!
  const keyB = b.keys[0]!
  // The same storage and secret-free config throughout: only the key directory changes.
  const env = { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEYS: a.dir }
  const withA = await build(t, { env })
  const user = await register(withA)
  const tokenA = (await login(withA, user.username)).access_token
  t.equal(decodeHeader(tokenA).kid, keyA.kid)

  copyFileSync(keyB.path, join(a.dir, 'zz-newest.pem')) // sorts after A: B signs from now on
  const withAB = await build(t, { env })
  const userAB = await register(withAB)
  const tokenB = (await login(withAB, userAB.username)).access_token
  t.equal(decodeHeader(tokenB).kid, keyB.kid, 'the newest key signs')
  t.equal((await withAB.inject({ url: '/protected/hello', headers: bearer(tokenA) })).statusCode, 200, 'adding a key logs nobody out')
  t.equal((await withAB.inject({ url: '/protected/hello', headers: bearer(tokenB) })).statusCode, 200)
  t.equal((await withAB.inject('/.well-known/jwks.json')).json().keys.length, 2, 'both keys are published while both verify')

  rmSync(keyA.path)
  const withB = await build(t, { env })
  t.equal((await withB.inject({ url: '/protected/hello', headers: bearer(tokenA) })).statusCode, 401, 'a removed key\'s tokens fail')
  t.equal((await withB.inject({ url: '/protected/hello', headers: bearer(tokenB) })).statusCode, 200)
  t.same((await withB.inject('/.well-known/jwks.json')).json().keys.map((key: { kid: string }) => key.kid), [keyB.kid])
})

t.test('key list - JWT_PRIVATE_KEYS as a comma list: the last one signs', async (t) => {
  const { keys } = keyDir(t, 'EdDSA', 2)
  const app = await build(t, { env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEYS: `${keys[1]!.path},${keys[0]!.path}` } })
  const user = await register(app)
  t.equal(decodeHeader((await login(app, user.username)).access_token).kid, keys[0]!.kid)
})

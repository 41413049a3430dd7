import { createHash } from 'node:crypto'
import t from 'tap'
import { createRandomPool } from '../../services/random-pool.js'
import { sha256Hex } from '../../services/sha256.js'
import { hashRefreshToken, newRefreshToken } from '../../services/tokens.js'

t.test('base64url - should hand out distinct random strings of the asked size across refills', async (t) => {
  const pool = createRandomPool(64) // two 32-byte draws a block: a refill every other call
  const seen = new Set<string>()
  for (let i = 0; i < 1000; i++) {
    const text = pool.base64url(32)
    t.equal(Buffer.from(text, 'base64url').length, 32)
    seen.add(text)
  }
  t.equal(seen.size, 1000, 'no value handed out twice')
  t.match(pool.base64url(24), /^[A-Za-z0-9_-]{32}$/)
  t.equal(Buffer.from(pool.base64url(100), 'base64url').length, 100, 'larger than a block: drawn on its own')
})

t.test('base64url - should not be all zeros (the handed-out range is zeroed only after encoding)', async (t) => {
  const pool = createRandomPool(64)
  const zeros = Buffer.alloc(32).toString('base64url')
  for (let i = 0; i < 10; i++) t.not(pool.base64url(32), zeros)
})

t.test('refresh tokens - 256 bits each, distinct, hashed as SHA-256 hex', async (t) => {
  const tokens = new Set(Array.from({ length: 300 }, newRefreshToken))
  t.equal(tokens.size, 300)
  for (const token of tokens) t.equal(Buffer.from(token, 'base64url').length, 32)
  t.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  const [token] = tokens
  t.equal(hashRefreshToken(token as string), createHash('sha256').update(token as string).digest('hex'))
})

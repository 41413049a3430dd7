import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer, build, login, register, type Pair } from '../helper.js'
import { forEachAdapter } from './databases.js'

const refresh = (app: FastifyInstance, token: string) => app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
const hello = (app: FastifyInstance, pair: Pair) => app.inject({ url: '/protected/hello', headers: bearer(pair.access_token) })
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

forEachAdapter(t, async (t, database) => {
  const env = { STORAGE_URL: database.url }

  t.test('restart - should keep users, sessions and logouts across a restart on the same database', async (t) => {
    const before = await build(t, { env })
    const user = await register(before)
    const kept = await login(before, user.username)
    const ended = await login(before, user.username)
    t.equal((await before.inject({ method: 'POST', url: '/auth/logout', headers: bearer(ended.access_token) })).statusCode, 204)
    await before.close()

    const after = await build(t, { env })
    t.equal((await after.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } })).statusCode, 200, 'login works')
    t.equal((await hello(after, kept)).statusCode, 200, 'an access token of a live session is still accepted')
    t.equal((await hello(after, ended)).statusCode, 401, 'the logged-out session\'s access token is refused, from stored revocations')
    t.equal((await refresh(after, ended.refresh_token)).statusCode, 401)
    t.equal((await refresh(after, kept.refresh_token)).statusCode, 200, 'a live session refreshes after the restart')
  })

  t.test('data - should store argon2id hashes and SHA-256 token hashes only: no password, no token', async (t) => {
    const app = await build(t, { env })
    const password = 'plain Password that must never be stored'
    const user = await register(app, undefined, password)
    const first = await login(app, user.username, password)
    const second = (await refresh(app, first.refresh_token)).json() as Pair
    const dump = await database.dump()

    const users = dump.users ?? []
    t.equal(users.filter((row) => row.username === user.username).length, 1)
    for (const row of users) t.match(row.password_hash ?? row.passwordHash, /^\$argon2id\$v=19\$/, 'every stored password is an argon2id hash')

    const tokenHashes = database.kind !== 'mongodb'
      ? (dump.refresh_tokens ?? []).map((row) => row.hash)
      : (dump.refreshTokens ?? []).map((doc) => doc._id)
    t.ok(tokenHashes.length >= 2 && tokenHashes.every((hash) => typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)), 'refresh tokens as 64-hex hashes')
    t.ok(tokenHashes.includes(sha256Hex(first.refresh_token)) && tokenHashes.includes(sha256Hex(second.refresh_token)), 'their SHA-256 hashes')

    const everything = JSON.stringify(dump)
    const secrets = {
      password,
      'first refresh token': first.refresh_token,
      'second refresh token': second.refresh_token,
      'first access token': first.access_token,
      'second access token': second.access_token,
      'an access token signature': second.access_token.split('.')[2] as string
    }
    for (const [what, secret] of Object.entries(secrets)) t.notOk(everything.includes(secret), `no ${what} anywhere in the database`)
  })
})

import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { forEachAdapter } from '../adapters/databases.js'
import { bearer, build, login, register, type Pair } from '../helper.js'

/** FREE_FAILURES_PER_CLIENT in services/login-throttle.ts: the 6th attempt from one IP is refused. */
const FREE_FAILURES = 5

const hello = (app: FastifyInstance, pair: Pair) => app.inject({ url: '/protected/hello', headers: bearer(pair.access_token) })
const attempt = (app: FastifyInstance, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress: '192.0.2.10' })

/**
 * Everything that must outlive the process is in storage: an app closed and built again on the
 * same database still refuses revoked sessions (every way of revoking one) and still holds a
 * login lockout.
 */
forEachAdapter(t, async (t, database) => {
  // A clock that moves only when told to: the lockout's back-off cannot run out during the restart.
  let clock = Date.now()
  const options = { env: { STORAGE_URL: database.url, REFRESH_REUSE_GRACE: '0' }, now: () => clock }

  t.test('restart - should keep revocations and login lockouts', async (t) => {
    const before = await build(t, options)
    const user = await register(before)
    const locked = await register(before)
    const live = await login(before, user.username)
    const loggedOut = await login(before, user.username)
    const revoked = await login(before, user.username)
    const reused = await login(before, user.username)

    t.equal((await before.inject({ method: 'POST', url: '/auth/logout', headers: bearer(loggedOut.access_token) })).statusCode, 204)
    t.equal((await before.inject({ method: 'POST', url: '/oauth/revoke', payload: { token: revoked.refresh_token } })).statusCode, 200)
    const rotated = await before.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: reused.refresh_token } })
    t.equal(rotated.statusCode, 200)
    clock += 1000
    t.equal((await before.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: reused.refresh_token } })).json().code, 'refresh_token_reused')
    const reusedNext = rotated.json() as Pair

    for (let i = 0; i < FREE_FAILURES; i++) t.equal((await attempt(before, locked.username, 'not the password at all')).statusCode, 401)
    const sixth = await attempt(before, locked.username, locked.password)
    t.equal(sixth.statusCode, 429, 'the 6th attempt is locked out, even with the right password')
    await before.close()

    const after = await build(t, options)
    t.equal((await hello(after, live)).statusCode, 200, 'a live session is still accepted')
    for (const [what, pair] of [['logged out', loggedOut], ['revoked by /oauth/revoke', revoked], ['revoked for refresh-token reuse', reusedNext]] as const) {
      t.equal((await hello(after, pair)).statusCode, 401, `the ${what} session's access token is refused after the restart`)
      t.equal((await after.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })).statusCode, 401, 'and its refresh token')
    }
    const lockedAfter = await attempt(after, locked.username, locked.password)
    t.equal(lockedAfter.statusCode, 429, 'the lockout holds after the restart')
    t.equal(lockedAfter.json().code, 'login_throttled')
    t.ok(Number(lockedAfter.headers['retry-after']) > 0, 'with Retry-After')
  })
})

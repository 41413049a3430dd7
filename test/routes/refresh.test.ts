import t from 'tap'
import { bearer, build, registerAndLogin, type Pair } from '../helper.js'
import { decodePayload } from '../forge.js'

const refresh = (refreshToken: string) => ({ method: 'POST' as const, url: '/auth/refresh', payload: { refresh_token: refreshToken } })

/** An app whose service clock the test moves by hand. */
async function buildWithClock (t: Parameters<typeof build>[0]) {
  const clock = { now: Date.now() }
  const app = await build(t, { now: () => clock.now })
  return { app, clock }
}

t.test('POST /auth/refresh - should rotate: new pair, same session, old refresh token retired', async (t) => {
  const { app } = await buildWithClock(t)
  const first = await registerAndLogin(app)
  const res = await app.inject(refresh(first.refresh_token))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const second = res.json() as Pair
  t.not(second.refresh_token, first.refresh_token)
  t.not(second.access_token, first.access_token)
  t.equal(decodePayload(second.access_token).sid, decodePayload(first.access_token).sid, 'same session')
  t.equal((await app.inject(refresh(second.refresh_token))).statusCode, 200, 'the new refresh token works')
})

t.test('POST /auth/refresh - should refuse a replay within the grace window and keep the session', async (t) => {
  const { app, clock } = await buildWithClock(t)
  const first = await registerAndLogin(app)
  const second = (await app.inject(refresh(first.refresh_token))).json() as Pair
  clock.now += 9_000
  const replay = await app.inject(refresh(first.refresh_token))
  t.equal(replay.statusCode, 401)
  t.match(replay.json(), { code: 'refresh_token_superseded' })
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(second.access_token) })).statusCode, 200)
  t.equal((await app.inject(refresh(second.refresh_token))).statusCode, 200, 'the newest refresh token still works')
})

t.test('POST /auth/refresh - should revoke the whole session on a replay after the grace window', async (t) => {
  const { app, clock } = await buildWithClock(t)
  const first = await registerAndLogin(app)
  const second = (await app.inject(refresh(first.refresh_token))).json() as Pair
  const third = (await app.inject(refresh(second.refresh_token))).json() as Pair
  clock.now += 11_000
  const replay = await app.inject(refresh(first.refresh_token))
  t.equal(replay.statusCode, 401)
  t.match(replay.json(), { code: 'refresh_token_reused' })
  const newest = await app.inject(refresh(third.refresh_token))
  t.equal(newest.statusCode, 401, 'the newest refresh token dies too')
  t.match(newest.json(), { code: 'invalid_refresh_token' })
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(third.access_token) })).statusCode, 401, 'access tokens of the session are refused at once')
})

t.test('POST /auth/refresh - should let exactly one of 20 concurrent refreshes with one token win', async (t) => {
  const { app } = await buildWithClock(t)
  const first = await registerAndLogin(app)
  const replies = await Promise.all(Array.from({ length: 20 }, () => app.inject(refresh(first.refresh_token))))
  const winners = replies.filter((res) => res.statusCode === 200)
  t.equal(winners.length, 1)
  t.ok(replies.filter((res) => res.statusCode !== 200).every((res) => res.statusCode === 401 && res.json().code === 'refresh_token_superseded'))
  const pair = winners[0]?.json() as Pair
  t.equal((await app.inject(refresh(pair.refresh_token))).statusCode, 200, 'the session survives')
})

t.test('POST /auth/refresh - should refuse unknown, expired and malformed refresh tokens', async (t) => {
  const { app, clock } = await buildWithClock(t)
  const user = await registerAndLogin(app)
  const unknown = await app.inject(refresh('A'.repeat(43)))
  t.equal(unknown.statusCode, 401)
  t.match(unknown.json(), { code: 'invalid_refresh_token' })
  t.equal((await app.inject(refresh(''))).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: {} })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: { $ne: null } } })).statusCode, 400)
  clock.now += 1209600 * 1000 + 1
  const expired = await app.inject(refresh(user.refresh_token))
  t.equal(expired.statusCode, 401, 'refresh tokens expire after REFRESH_TOKEN_TTL')
  t.match(expired.json(), { code: 'invalid_refresh_token' })
})

t.test('POST /auth/refresh - should slide the session expiry on every rotation', async (t) => {
  const { app, clock } = await buildWithClock(t)
  const first = await registerAndLogin(app)
  clock.now += 1_000_000 * 1000
  const second = (await app.inject(refresh(first.refresh_token))).json() as Pair
  clock.now += 1_000_000 * 1000
  t.equal((await app.inject(refresh(second.refresh_token))).statusCode, 200)
})

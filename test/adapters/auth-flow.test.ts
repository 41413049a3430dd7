import t from 'tap'
import { basic, bearer, build, login, PASSWORD, register, type Pair } from '../helper.js'
import { forEachAdapter } from './databases.js'

/** The whole HTTP flow on each database adapter, the clock moved by injection (no sleeps). */
forEachAdapter(t, async (t, database) => {
  let clock = Date.now()
  const app = await build(t, { env: { STORAGE_URL: database.url }, now: () => clock })
  const refresh = (token: string) => app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
  const hello = (pair: Pair) => app.inject({ url: '/protected/hello', headers: bearer(pair.access_token) })
  const user = await register(app, 'Flow.User')

  t.test('register - should refuse the same name in another case with 409', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'FLOW.user', password: PASSWORD } })
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'username_taken')
  })

  t.test('login - should work with JSON and with HTTP Basic, and refuse a wrong password', async (t) => {
    const json = await login(app, 'flow.user')
    t.equal((await hello(json)).json().user_id, user.id)
    const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, PASSWORD) })
    t.equal(viaBasic.statusCode, 200, viaBasic.body)
    t.equal((await hello(viaBasic.json())).statusCode, 200)
    const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'not the password' } })
    t.equal(wrong.statusCode, 401)
    t.equal(wrong.json().code, 'invalid_credentials')
    const me = await app.inject({ url: '/auth/me', headers: bearer(json.access_token) })
    t.match(me.json(), { id: user.id, username: 'Flow.User', roles: ['user'] })
  })

  t.test('refresh - should rotate, refuse a replay within the grace window, then kill the session on a late replay', async (t) => {
    const first = await login(app, user.username)
    const second = (await refresh(first.refresh_token)).json() as Pair
    t.not(second.refresh_token, first.refresh_token)
    t.equal((await hello(second)).statusCode, 200)

    clock += 1000
    const early = await refresh(first.refresh_token)
    t.equal(early.statusCode, 401)
    t.equal(early.json().code, 'refresh_token_superseded')
    const third = await refresh(second.refresh_token)
    t.equal(third.statusCode, 200, 'a replay within the grace window leaves the session alive')
    const newest = third.json() as Pair

    clock += 11_000
    const late = await refresh(first.refresh_token)
    t.equal(late.statusCode, 401)
    t.equal(late.json().code, 'refresh_token_reused')
    t.equal((await refresh(newest.refresh_token)).statusCode, 401, 'the newest refresh token died with the session')
    t.equal((await hello(newest)).statusCode, 401, 'and so did its access token')
  })

  t.test('logout - should end this session only; logout-all every session of the user', async (t) => {
    const [a, b, c] = [await login(app, user.username), await login(app, user.username), await login(app, user.username)]
    t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(a.access_token) })).statusCode, 204)
    t.equal((await hello(a)).statusCode, 401)
    t.equal((await refresh(a.refresh_token)).statusCode, 401)
    t.equal((await hello(b)).statusCode, 200, 'another session of the same user is untouched')

    t.equal((await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(b.access_token) })).statusCode, 204)
    for (const pair of [b, c]) {
      t.equal((await hello(pair)).statusCode, 401)
      t.equal((await refresh(pair.refresh_token)).json().code, 'invalid_refresh_token')
    }
    t.equal((await hello(await login(app, user.username))).statusCode, 200, 'logging in again works')
  })

  t.test('register - should let exactly one of 50 parallel registrations of one name through', async (t) => {
    const replies = await Promise.all(Array.from({ length: 50 }, () =>
      app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'Racer', password: PASSWORD } })))
    t.equal(replies.filter((res) => res.statusCode === 201).length, 1)
    t.equal(replies.filter((res) => res.statusCode === 409).length, 49, 'every other one is a 409, none a 500')
    t.equal(await countUsers(database.dump, 'racer'), 1, 'one user is stored')
  })

  t.test('refresh - should let exactly one of 20 parallel refreshes with one token win', async (t) => {
    const pair = await login(app, user.username)
    const replies = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh_token)))
    t.equal(replies.filter((res) => res.statusCode === 200).length, 1)
    t.ok(replies.every((res) => res.statusCode === 200 || res.json().code === 'refresh_token_superseded'), 'the others are told to use the newest token')
    const winner = replies.find((res) => res.statusCode === 200)?.json() as Pair
    t.equal((await refresh(winner.refresh_token)).statusCode, 200, 'the winner\'s token is the current one')
  })
})

async function countUsers (dump: () => Promise<Record<string, Array<Record<string, unknown>>>>, normalized: string): Promise<number> {
  const { users = [] } = await dump()
  return users.filter((row) => (row.username_normalized ?? row.usernameNormalized) === normalized).length
}

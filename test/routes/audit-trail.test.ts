import t from 'tap'
import { bearer, build, login, PASSWORD, register } from '../helper.js'

interface Entry { id: string, at: string, event: string, user_id: string | null, details: Record<string, unknown> }

async function setup (t: Parameters<typeof build>[0], env: Record<string, string>) {
  const app = await build(t, { env })
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const adminToken = (await login(app, admin.username)).access_token
  const audit = (query = '') => app.inject({ method: 'GET', url: `/admin/audit${query}`, headers: bearer(adminToken) })
  return { app, admin, audit }
}

t.test('audit trail - without AUDIT_LOG=storage the endpoint says how to turn it on', async (t) => {
  const { audit } = await setup(t, {})
  const res = await audit()
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'audit_not_stored', message: /AUDIT_LOG=storage/ })
})

t.test('audit trail - AUDIT_LOG=storage: every event of a flow, newest first, by user, in pages, never a secret', async (t) => {
  const { app, audit } = await setup(t, { AUDIT_LOG: 'storage' })
  const user = await register(app)
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'not the password at all' } })
  t.equal(wrong.statusCode, 401)
  const pair = await login(app, user.username)
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(pair.access_token) })).statusCode, 204)

  const res = await audit('?limit=100')
  t.equal(res.statusCode, 200)
  const { events, next } = res.json() as { events: Entry[], next: string | null }
  t.equal(next, null)
  const mine = events.filter((entry) => entry.user_id === user.id || entry.details.username === user.username)
  t.same(mine.map((entry) => entry.event), ['logout', 'login_success', 'login_failure', 'register'], 'newest first')
  t.match(mine[2], { user_id: user.id, details: { username: user.username.toLowerCase(), reason: 'wrong_password' } }, 'a failure names an existing account by id and normalised name')
  t.match(mine[0], { user_id: user.id, details: { session_id: /^[0-9a-f-]{36}$/ } })
  for (const entry of events) t.ok(Number.isFinite(Date.parse(entry.at)), `${entry.event}: a time`)
  const body = res.body
  for (const secret of [PASSWORD, 'not the password at all', pair.access_token, pair.refresh_token]) t.notOk(body.includes(secret), 'no password or token stored')

  const byUser = (await audit(`?user_id=${user.id}`)).json() as { events: Entry[] }
  t.same(byUser.events.map((entry) => entry.event), ['logout', 'login_success', 'login_failure', 'register'])

  const first = (await audit('?limit=2')).json() as { events: Entry[], next: string }
  t.same(first.events, events.slice(0, 2))
  t.equal(first.next, events[1]?.id)
  const second = (await audit(`?limit=2&before=${first.next}`)).json() as { events: Entry[] }
  t.same(second.events, events.slice(2, 4))
})

t.test('audit trail - admin only, and a malformed cursor or limit is a 400', async (t) => {
  const { app, audit } = await setup(t, { AUDIT_LOG: 'storage' })
  const user = await register(app)
  const token = (await login(app, user.username)).access_token
  t.equal((await app.inject('/admin/audit')).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(token) })).statusCode, 403)
  t.equal((await audit('?before=../../etc')).statusCode, 400)
  t.equal((await audit('?limit=1000')).statusCode, 400)
  // Bracket keys are not parsed into objects: `user_id[$ne]` is an unknown field, dropped.
  const operator = await audit('?user_id[$ne]=x')
  t.equal(operator.statusCode, 200)
  t.same(operator.json(), (await audit()).json(), 'no operator reaches the store')
})

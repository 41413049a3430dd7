import t from 'tap'
import { bearer, build, login, PASSWORD, register } from '../helper.js'

interface Entry { event: string, user_id: string | null, details: Record<string, unknown> }

/** An app with a movable service clock, the audit trail in storage and an admin. */
async function setup (t: Parameters<typeof build>[0]) {
  const clock = { now: Date.parse('2031-01-01T00:00:00Z') }
  const app = await build(t, { now: () => clock.now, env: { AUDIT_LOG: 'storage' } })
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const adminToken = (await login(app, admin.username)).access_token
  const attempt = (username: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username, password } })
  const unlock = (id: string, token = adminToken) =>
    app.inject({ method: 'DELETE', url: `/admin/users/${id}/login-failures`, headers: bearer(token) })
  return { app, admin, adminToken, attempt, unlock }
}

t.test('unlock - an admin clears every failure of an account: the per-client locks and the ceiling', async (t) => {
  const { app, admin, adminToken, attempt, unlock } = await setup(t)
  const user = await register(app)
  for (let i = 0; i < 8; i++) await attempt(user.username, 'wrong password', '198.51.100.1')
  for (let ip = 0; ip < 50; ip++) await attempt(user.username, 'wrong password', `10.3.${ip}.1`)
  t.equal((await attempt(user.username, PASSWORD, '198.51.100.1')).statusCode, 429, 'locked for the address that failed')
  t.equal((await attempt(user.username, PASSWORD, '192.0.2.7')).statusCode, 429, 'locked for new clients by the ceiling')

  const res = await unlock(user.id)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.equal((await attempt(user.username, PASSWORD, '192.0.2.7')).statusCode, 200, 'a new client gets in')
  t.equal((await attempt(user.username, 'wrong password', '198.51.100.1')).statusCode, 401, 'the locked address has a fresh budget')
  for (let i = 0; i < 4; i++) await attempt(user.username, 'wrong password', '198.51.100.1')
  t.equal((await attempt(user.username, PASSWORD, '198.51.100.1')).statusCode, 429, 'and is counted again from zero: 5 free failures')

  await app.auditTrail?.flush()
  const audit = (await app.inject({ url: `/admin/audit?user_id=${user.id}`, headers: bearer(adminToken) })).json() as { events: Entry[] }
  const cleared = audit.events.filter((entry) => entry.event === 'login_failures_cleared')
  t.equal(cleared.length, 1, 'audited')
  t.match(cleared[0], { user_id: user.id, details: { actor_id: admin.id } })
})

t.test('unlock - admin only, 404 for an unknown user, 400 for a malformed id', async (t) => {
  const { app, unlock } = await setup(t)
  const user = await register(app)
  const userToken = (await login(app, user.username)).access_token
  t.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${user.id}/login-failures` })).statusCode, 401)
  t.equal((await unlock(user.id, userToken)).statusCode, 403, 'a user cannot unlock, not even themselves')
  t.equal((await unlock('7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11')).statusCode, 404)
  t.equal((await unlock('not-a-uuid')).statusCode, 400)
})

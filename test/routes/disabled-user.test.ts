import t from 'tap'
import { bearer, build, login, PASSWORD, registerAndLogin } from '../helper.js'

/**
 * A disabled account's token can still be live: on an instance that has not synced yet, after a
 * disable whose session revocation failed, or when disabled_at was set in the database by hand.
 * Here the account is disabled straight in storage (no session ended), and every route that
 * reads the account must answer as for a revoked token.
 */
const routes = [
  { method: 'GET' as const, url: '/auth/me' },
  { method: 'GET' as const, url: '/auth/sessions' },
  { method: 'DELETE' as const, url: '/auth/sessions/00000000-0000-4000-8000-000000000000' },
  { method: 'POST' as const, url: '/auth/password', payload: { current_password: PASSWORD, new_password: 'a new and long enough password' } }
]

t.test('routes that read the account - refuse a disabled user whose token is live, like a revoked token', async (t) => {
  const app = await build(t)
  const user = await registerAndLogin(app)
  const revoked = await registerAndLogin(app)
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(revoked.access_token) })
  const revokedReply = (await app.inject({ url: '/auth/me', headers: bearer(revoked.access_token) })).json()

  t.equal((await app.inject({ url: '/auth/me', headers: bearer(user.access_token) })).statusCode, 200, 'active: served')
  t.equal(await app.store.updateUser(user.id, { disabledAt: new Date() }), true)
  t.equal(app.revocations.isRevoked(JSON.parse(Buffer.from(user.access_token.split('.')[1] ?? '', 'base64url').toString()).sid), false, 'the session itself is not revoked')
  for (const route of routes) {
    const res = await app.inject({ ...route, headers: bearer(user.access_token) })
    t.equal(res.statusCode, 401, `${route.method} ${route.url}`)
    t.same(res.json(), revokedReply, 'the same reply as a revoked token')
    t.match(res.headers['www-authenticate'], /^Bearer/)
  }
  t.equal(await app.store.updateUser(user.id, { disabledAt: null }), true)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(user.access_token) })).statusCode, 200, 'enabled again: served again')
})

t.test('GET /auth/me - a deleted user\'s live token gets the revoked-token reply', async (t) => {
  const app = await build(t)
  const user = await registerAndLogin(app)
  t.equal(await app.store.deleteUser(user.id), true)
  const res = await app.inject({ url: '/auth/me', headers: bearer(user.access_token) })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'invalid_token')
})

t.test('admin routes - a disabled admin whose token is live is refused like a revoked token', async (t) => {
  const app = await build(t)
  const admin = await registerAndLogin(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const token = (await login(app, admin.username)).access_token
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(token) })).statusCode, 200, 'active admin: served')
  t.equal(await app.store.updateUser(admin.id, { disabledAt: new Date() }), true)
  for (const route of [{ method: 'GET' as const, url: '/admin/users' }, { method: 'DELETE' as const, url: `/admin/users/${admin.id}/login-failures` }]) {
    const res = await app.inject({ ...route, headers: bearer(token) })
    t.equal(res.statusCode, 401, `${route.method} ${route.url}`)
    t.equal(res.json().code, 'invalid_token')
  }
})

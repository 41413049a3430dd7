import t from 'tap'
import { bearer, build, login, PASSWORD, register } from '../helper.js'

async function setup (t: Parameters<typeof build>[0]) {
  const app = await build(t)
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const adminToken = (await login(app, admin.username)).access_token
  const as = (token: string) => (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url, headers: bearer(token), ...(payload === undefined ? {} : { payload }) })
  return { app, admin, adminApi: as(adminToken), as }
}

t.test('admin API - needs the admin role: 401 without a token, 403 without the role', async (t) => {
  const { app, as } = await setup(t)
  const user = await register(app)
  const userToken = (await login(app, user.username)).access_token
  t.equal((await app.inject('/admin/users')).statusCode, 401)
  const forbidden = await as(userToken)('GET', '/admin/users')
  t.equal(forbidden.statusCode, 403)
  t.match(forbidden.json(), { statusCode: 403, code: 'forbidden' })
  t.equal((await as(userToken)('DELETE', `/admin/users/${user.id}`)).statusCode, 403)
})

t.test('admin API - lists users by name with a prefix filter and pagination', async (t) => {
  const { app, adminApi } = await setup(t)
  for (const name of ['zed_1', 'zed_2', 'zed_3', 'zoe_1']) await register(app, name)
  const first = (await adminApi('GET', '/admin/users?prefix=zed_&limit=2')).json()
  t.same(first.users.map((user: { username: string }) => user.username), ['zed_1', 'zed_2'])
  t.equal(first.next, 'zed_2')
  const second = (await adminApi('GET', `/admin/users?prefix=zed_&limit=2&after=${first.next as string}`)).json()
  t.same(second.users.map((user: { username: string }) => user.username), ['zed_3'])
  t.equal(second.next, null)
  t.notOk(JSON.stringify(first).includes('argon2'), 'no password hash')
  t.equal((await adminApi('GET', '/admin/users?limit=0')).statusCode, 400)
  t.equal((await adminApi('GET', '/admin/users?prefix=%25')).statusCode, 400)
})

t.test('admin API - set roles, disable, enable, delete; the token carries new roles after a new login', async (t) => {
  const { app, adminApi } = await setup(t)
  const user = await register(app)
  const before = await login(app, user.username)

  const promoted = await adminApi('PUT', `/admin/users/${user.id}/roles`, { roles: ['user', 'editor'] })
  t.equal(promoted.statusCode, 200)
  t.same(promoted.json().roles, ['user', 'editor'])
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(before.access_token) })).statusCode, 401, 'old tokens with old roles end')
  const after = await login(app, user.username)
  t.same(JSON.parse(Buffer.from(after.access_token.split('.')[1]!, 'base64url').toString()).roles, ['user', 'editor'])

  const disabled = await adminApi('POST', `/admin/users/${user.id}/disable`)
  t.equal(disabled.statusCode, 200)
  t.equal(disabled.json().disabled, true)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(after.access_token) })).statusCode, 401, 'sessions end')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: after.refresh_token } })).statusCode, 401, 'no refresh')
  const refusedLogin = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })
  t.equal(refusedLogin.statusCode, 403)
  t.match(refusedLogin.json(), { code: 'account_disabled' })
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'wrong password' } })).statusCode, 401, 'a wrong password says nothing about the account')

  t.equal((await adminApi('POST', `/admin/users/${user.id}/enable`)).json().disabled, false)
  const again = await login(app, user.username)
  t.equal((await adminApi('GET', `/admin/users/${user.id}`)).json().username, user.username)

  t.equal((await adminApi('DELETE', `/admin/users/${user.id}`)).statusCode, 204)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(again.access_token) })).statusCode, 401)
  t.equal((await adminApi('GET', `/admin/users/${user.id}`)).statusCode, 404)
  t.equal((await adminApi('DELETE', `/admin/users/${user.id}`)).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { username: user.username, password: PASSWORD } })).statusCode, 201, 'the name is free again')
})

t.test('admin API - an admin cannot demote, disable or delete themselves', async (t) => {
  const { admin, adminApi } = await setup(t)
  for (const [method, url, body] of [['PUT', `/admin/users/${admin.id}/roles`, { roles: ['user'] }], ['POST', `/admin/users/${admin.id}/disable`], ['DELETE', `/admin/users/${admin.id}`]] as const) {
    const res = await adminApi(method, url, body)
    t.equal(res.statusCode, 409, `${method} ${url}`)
    t.match(res.json(), { code: 'self_lockout' })
  }
  t.equal((await adminApi('GET', '/admin/users')).statusCode, 200, 'still an admin')
})

import t from 'tap'
import { bearer, build, login, register, registerAndLogin } from '../helper.js'

const refresh = (refreshToken: string) => ({ method: 'POST' as const, url: '/auth/refresh', payload: { refresh_token: refreshToken } })

t.test('POST /auth/logout - should end the session: its access and refresh tokens are refused at once', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const current = await login(app, user.username)
  const other = await login(app, user.username)
  const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(current.access_token) })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(current.access_token) })).statusCode, 401)
  t.equal((await app.inject(refresh(current.refresh_token))).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(current.access_token) })).statusCode, 401, 'a second logout with the same token is refused')
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(other.access_token) })).statusCode, 200, 'other sessions live on')
  t.equal((await app.inject(refresh(other.refresh_token))).statusCode, 200)
})

t.test('POST /auth/logout-all - should end every session of the user and no one else\'s', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const sessions = [await login(app, user.username), await login(app, user.username), await login(app, user.username)]
  const stranger = await registerAndLogin(app)
  const res = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(sessions[0]!.access_token) })
  t.equal(res.statusCode, 204)
  for (const session of sessions) {
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).statusCode, 401)
    t.equal((await app.inject(refresh(session.refresh_token))).statusCode, 401)
  }
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(stranger.access_token) })).statusCode, 200)
  const again = await login(app, user.username)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(again.access_token) })).statusCode, 200, 'a new login works afterwards')
})

t.test('POST /auth/logout - should need a valid Bearer token', async (t) => {
  const app = await build(t)
  for (const url of ['/auth/logout', '/auth/logout-all']) {
    const res = await app.inject({ method: 'POST', url })
    t.equal(res.statusCode, 401)
    t.match(res.headers['www-authenticate'], /^Bearer/)
  }
})

t.test('GET /auth/me - should return the caller without secrets', async (t) => {
  const app = await build(t)
  const username = `Me_${process.pid}`
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: 'a long enough password', email: 'me@example.com' } })
  const pair = await login(app, username, 'a long enough password')
  const res = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { username, email: 'me@example.com', roles: ['user'] })
  t.same(Object.keys(body).sort(), ['created_at', 'email', 'email_verified', 'id', 'roles', 'username'])
  t.ok(!Number.isNaN(Date.parse(body.created_at)))
  t.equal((await app.inject('/auth/me')).statusCode, 401)
})

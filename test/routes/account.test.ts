import t from 'tap'
import { bearer, build, login, PASSWORD, register } from '../helper.js'

t.test('POST /auth/password - checks the current password, applies the policy, ends every other session', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const current = await login(app, user.username)
  const other = await login(app, user.username)
  const change = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: '/auth/password', headers: bearer(current.access_token), payload: body })

  const wrong = await change({ current_password: 'not my password', new_password: 'a brand new passphrase' })
  t.equal(wrong.statusCode, 403)
  t.match(wrong.json(), { code: 'invalid_credentials' })
  const weak = await change({ current_password: PASSWORD, new_password: 'password1' })
  t.equal(weak.statusCode, 400)
  t.match(weak.json(), { code: 'weak_password' })
  t.equal((await change({ current_password: PASSWORD })).statusCode, 400)

  t.equal((await change({ current_password: PASSWORD, new_password: 'a brand new passphrase' })).statusCode, 204)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(current.access_token) })).statusCode, 200, 'this session lives on')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(other.access_token) })).statusCode, 401, 'other sessions end')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: other.refresh_token } })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })).statusCode, 401, 'old password refused')
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'a brand new passphrase' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/auth/password', payload: { current_password: 'x', new_password: 'y'.repeat(10) } })).statusCode, 401, 'needs a token')
})

t.test('GET /auth/sessions and DELETE /auth/sessions/:id - own sessions only', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const first = await login(app, user.username)
  const second = (await app.inject({ method: 'POST', url: '/auth/login', headers: { 'user-agent': 'second-device/1.0' }, payload: { username: user.username, password: PASSWORD } })).json()
  const stranger = await (async () => { const s = await register(app); return login(app, s.username) })()

  const listed = await app.inject({ url: '/auth/sessions', headers: bearer(first.access_token) })
  t.equal(listed.statusCode, 200)
  const sessions = listed.json().sessions as Array<{ id: string, current: boolean, user_agent: string | null, ip: string }>
  t.equal(sessions.length, 2)
  t.same(sessions.map((session) => session.current), [true, false], 'oldest first, the caller marked')
  t.equal(sessions[1]?.user_agent, 'second-device/1.0')
  t.equal(sessions[0]?.ip, '127.0.0.1')

  const strangerSessions = (await app.inject({ url: '/auth/sessions', headers: bearer(stranger.access_token) })).json().sessions
  const notMine = await app.inject({ method: 'DELETE', url: `/auth/sessions/${strangerSessions[0].id as string}`, headers: bearer(first.access_token) })
  t.equal(notMine.statusCode, 404, 'another user\'s session is simply not found')
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(stranger.access_token) })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: '/auth/sessions/not-a-uuid', headers: bearer(first.access_token) })).statusCode, 400)

  t.equal((await app.inject({ method: 'DELETE', url: `/auth/sessions/${sessions[1]!.id}`, headers: bearer(first.access_token) })).statusCode, 204)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(second.access_token) })).statusCode, 401, 'the ended session\'s token is refused')
  t.equal((await app.inject({ method: 'DELETE', url: `/auth/sessions/${sessions[1]!.id}`, headers: bearer(first.access_token) })).statusCode, 404, 'already ended')
  t.equal((await app.inject({ url: '/auth/sessions', headers: bearer(first.access_token) })).json().sessions.length, 1)
})

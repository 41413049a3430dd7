import t from 'tap'
import { bearer, build, PASSWORD, uniqueName } from '../helper.js'

t.test('audit events - one structured line with a stable event name for each security event', async (t) => {
  const logLines: string[] = []
  const clock = { now: Date.now() }
  const app = await build(t, { logLines, now: () => clock.now, env: { INTROSPECTION_CLIENTS: 'gw:secret' } })
  const username = uniqueName('Audited')
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } })
  await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'not the password' } })
  await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'ghost_user', password: 'not the password' } })
  const first = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  const second = (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } })).json()
  clock.now += 60_000
  await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } })
  const third = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  await app.inject({ method: 'POST', url: '/oauth/revoke', payload: { token: third.refresh_token } })
  const fourth = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(fourth.access_token) })
  const fifth = (await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json()
  await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(fifth.access_token) })

  const events = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.audit === true)
  const names = events.map((entry) => entry.event)
  for (const name of ['register', 'login_failure', 'login_success', 'refresh', 'refresh_reuse_detected', 'token_revoked', 'logout', 'logout_all']) {
    t.ok(names.includes(name), `${name} was recorded`)
  }
  const failures = events.filter((entry) => entry.event === 'login_failure')
  t.same(failures.map((entry) => entry.reason).sort(), ['unknown_user', 'wrong_password'], 'with the reason category')
  t.match(failures[0], { username: String, ip: '127.0.0.1' })
  const all = JSON.stringify(events)
  for (const secret of [PASSWORD, 'not the password', first.refresh_token, second.access_token]) t.notOk(all.includes(secret), 'no secret in audit events')
})

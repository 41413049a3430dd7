import t from 'tap'
import { bearer, build, PASSWORD, registerAndLogin } from '../helper.js'

const STRONG = 'a brand new passphrase for this account'

async function setup (t: Parameters<typeof build>[0]) {
  const clock = { now: Date.parse('2031-01-01T00:00:00Z') }
  const app = await build(t, { now: () => clock.now, env: { AUDIT_LOG: 'storage' } })
  const user = await registerAndLogin(app)
  const change = (current: string, next: string, remoteAddress = '203.0.113.40') => app.inject({
    method: 'POST', url: '/auth/password', remoteAddress, headers: bearer(user.access_token), payload: { current_password: current, new_password: next }
  })
  const login = (password: string, remoteAddress = '203.0.113.40') =>
    app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username: user.username, password } })
  return { app, clock, user, change, login }
}

t.test('password change - a weak new password is refused the same way whether the current one is right or wrong', async (t) => {
  const { change } = await setup(t)
  for (const weak of ['password', 'short']) {
    const withWrong = await change('not the current password', weak)
    const withRight = await change(PASSWORD, weak)
    t.equal(withWrong.statusCode, 400)
    t.same([withWrong.statusCode, withWrong.body], [withRight.statusCode, withRight.body], `${weak}: identical replies`)
  }
  t.match((await change('not the current password', 'password')).json(), { code: 'weak_password' }, 'the policy speaks first')
})

t.test('password change - wrong current passwords are counted and locked like logins, for both routes', async (t) => {
  const { app, clock, user, change, login } = await setup(t)
  for (let i = 0; i < 3; i++) t.equal((await change('not the current password', STRONG)).statusCode, 403)
  for (let i = 0; i < 2; i++) t.equal((await login('not the current password')).statusCode, 401)
  const locked = await change(PASSWORD, STRONG)
  t.equal(locked.statusCode, 429, 'five failures over the two routes lock the right password out too')
  t.equal(locked.headers['retry-after'], '1')
  t.match(locked.json(), { code: 'login_throttled' })
  t.equal((await login(PASSWORD)).statusCode, 429, 'and the login from that client')
  t.equal((await login(PASSWORD, '192.0.2.60')).statusCode, 200, 'not another client')
  clock.now += 1000
  t.equal((await change(PASSWORD, STRONG)).statusCode, 204, 'after the back-off the change goes through')

  await app.auditTrail?.flush()
  const trail = (await app.store.listAuditEvents({ userId: user.id, limit: 50 })).map((record) => ({ ...JSON.parse(record.data) as { reason?: string }, event: record.event }))
  const failures = trail.filter((entry) => entry.event === 'login_failure')
  t.equal(failures.filter((entry) => entry.reason === 'wrong_password').length, 5, 'every wrong password is audited under the account')
  t.equal(failures.filter((entry) => entry.reason === 'throttled').length, 2)
  t.ok(trail.some((entry) => entry.event === 'lockout'), 'the lockout is audited')
  t.ok(trail.some((entry) => entry.event === 'password_changed'))
})

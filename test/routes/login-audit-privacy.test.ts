import t from 'tap'
import { basic, build, register } from '../helper.js'

/** What a user typed into the username field by mistake: their password. */
const TYPED_PASSWORD = 'Hunter2 Secret Phrase'

t.test('audit - a username that does not exist (a password typed in the wrong field) is never stored or logged', async (t) => {
  const logLines: string[] = []
  const app = await build(t, { logLines, env: { AUDIT_LOG: 'storage' } })
  const user = await register(app)
  const remoteAddress = '203.0.113.50'
  // Enough attempts for every kind of event: wrong credentials, the lockout, throttled attempts.
  for (let i = 0; i < 4; i++) await app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username: TYPED_PASSWORD, password: user.password } })
  await app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers: basic(TYPED_PASSWORD, user.password) })
  await app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, payload: { grant_type: 'password', username: TYPED_PASSWORD, password: user.password } })
  const throttled = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username: TYPED_PASSWORD, password: user.password } })
  t.equal(throttled.statusCode, 429, 'the throttle was reached')
  await app.auditTrail?.flush()

  const records = await app.store.listAuditEvents({ limit: 100 })
  const failures = records.filter((record) => record.event === 'login_failure')
  t.equal(failures.length, 7)
  t.same(new Set(failures.map((record) => (JSON.parse(record.data) as { reason: string }).reason)), new Set(['unknown_user', 'throttled']))
  t.ok(records.some((record) => record.event === 'lockout'), 'the lockout is audited')
  for (const record of [...failures, ...records.filter((record) => record.event === 'lockout')]) {
    t.equal(record.userId, null, `${record.event}: no account`)
    t.notMatch(JSON.parse(record.data), { username: String }, `${record.event}: no username`)
  }
  const stored = JSON.stringify(records)
  const logged = logLines.join('\n')
  t.ok(logged.includes('"event":"login_failure"'), 'the audit events were logged')
  for (const form of [TYPED_PASSWORD, TYPED_PASSWORD.toLowerCase(), 'hunter2', 'Hunter2']) {
    t.notOk(stored.includes(form), `${form} is not in the audit records`)
    t.notOk(logged.includes(form), `${form} is not in the log`)
  }
})

import t from 'tap'
import { build } from '../helper.js'
import { buildWithMail, registerWithEmail, uniqueEmail } from './app.js'
import { loadConfig } from '../../services/config.js'

t.test('limits - per address: one message a minute and five an hour; over it, the same 202 and no mail (audited)', async (t) => {
  let clock = Date.UTC(2026, 11, 7, 10, 0, 0)
  const logLines: string[] = []
  const { app, smtp } = await buildWithMail(t, { logLines, now: () => clock, env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const forgot = () => app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const first = await forgot()
  const second = await forgot()
  t.same([second.statusCode, second.body], [first.statusCode, first.body])
  await app.accountEmail.drain()
  t.equal(smtp.pending(user.email).length, 1, 'the second request in the same minute sent nothing')
  for (let minute = 1; minute < 8; minute++) {
    clock += 60_000
    await forgot()
  }
  await app.accountEmail.drain()
  t.equal(smtp.pending(user.email).length, 5, 'five an hour')
  t.ok(logLines.some((line) => line.includes('"event":"mail_limited"')), 'audited')
  clock += 3_600_000
  await forgot()
  await app.accountEmail.drain()
  t.equal(smtp.pending(user.email).length, 6, 'the next hour sends again')
})

t.test('limits - per IP: 429 with Retry-After from MAIL_RATE_LIMIT_IP_MAX, whatever the address', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '100', MAIL_RATE_LIMIT_IP_MAX: '3' } })
  const codes: number[] = []
  for (let i = 0; i < 4; i++) {
    const res = await app.inject({ method: 'POST', url: i % 2 === 0 ? '/auth/password/forgot' : '/auth/email/verify/request', payload: { email: uniqueEmail() } })
    codes.push(res.statusCode)
    if (res.statusCode === 429) t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After')
  }
  t.same(codes, [202, 202, 202, 429], 'one budget across the mail routes')
})

t.test('production - refuses to start without SMTP_URL while a mail flow is on', async (t) => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'Qm9uIGpvdXIgbGUgbW9uZGUgZnJvbSBhIHJhbmRvbSBzZWNyZXQgZm9yIHRlc3Rz', STORAGE_URL: 'mysql://db/auth', PUBLIC_URL: 'https://auth.example', MFA_ENCRYPTION_KEY: 'mN5CkXg3rPqTzV1wY8bH0sLdF6jA2eUoI9tRcKyW4Qk=' }
  t.throws(() => loadConfig(production), { name: 'ConfigError', message: /^SMTP_URL must be set when NODE_ENV=production/ })
  t.throws(() => loadConfig({ ...production, EMAIL_VERIFICATION: 'off' }), { message: /SMTP_URL/ }, 'password reset still needs mail')
  t.equal(loadConfig({ ...production, EMAIL_VERIFICATION: 'off', PASSWORD_RESET: 'off' }).SMTP_URL, undefined, 'every mail flow off: no SMTP needed')
  t.equal(loadConfig({ ...production, SMTP_URL: 'smtps://user:pass@mail.example:465' }).SMTP_URL, 'smtps://user:pass@mail.example:465')
  t.throws(() => loadConfig({ SMTP_URL: 'http://mail.example' }), { message: /SMTP_URL/ }, 'only smtp:// or smtps://')
})

import t from 'tap'
import { build, PASSWORD, uniqueName } from '../helper.js'
import { buildWithMail, registerWithEmail, uniqueEmail } from './app.js'

t.test('mail failure - an SMTP server refusing the recipient: the same 202, logged and audited mail_failed, no token in the log', async (t) => {
  const logLines: string[] = []
  const { app, smtp } = await buildWithMail(t, { logLines, env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const healthy = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const mail = await smtp.next(user.email)
  smtp.refuse = true
  const other = await registerWithEmail(app)
  const refused = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: other.email } })
  t.same([refused.statusCode, refused.body], [healthy.statusCode, healthy.body], 'the reply does not change')
  await app.accountEmail.drain()
  const failed = logLines.map((line) => JSON.parse(line) as { event?: string, userId?: string, mail?: string }).filter((entry) => entry.event === 'mail_failed')
  t.same(failed.map(({ userId, mail }) => ({ userId, mail })), [{ userId: other.id, mail: 'password-reset' }])
  t.notMatch(logLines.join('\n'), mail.token ?? 'no token', 'no token in the log')
  t.notMatch(logLines.join('\n'), new RegExp(`code: ${mail.code ?? 'none'}`))
})

t.test('mail failure - a mail server that never answers does not hold the reply (MAIL_SEND_TIMEOUT_MS)', async (t) => {
  const net = await import('node:net')
  // Accepts the TCP connection and says nothing: no SMTP greeting.
  const silent = net.createServer(() => {})
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { silent.close(() => resolve()); for (const socket of sockets) socket.destroy() }))
  const sockets = new Set<import('node:net').Socket>()
  silent.on('connection', (socket) => sockets.add(socket))
  const port = (silent.address() as { port: number }).port
  const logLines: string[] = []
  const app = await build(t, { logLines, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_SEND_TIMEOUT_MS: '300', EMAIL_VERIFICATION: 'off' } })
  const email = uniqueEmail()
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password: PASSWORD, email } })
  const res = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } })
  t.equal(res.statusCode, 202, 'answered while the mail server is silent')
  await app.accountEmail.drain()
  t.match(logLines.join('\n'), /"event":"mail_failed".*"reason":"timeout"/)
})

t.test('log transport - without SMTP_URL outside production, the message (link and code) goes to the log at info', async (t) => {
  const logLines: string[] = []
  const app = await build(t, { logLines, env: { PUBLIC_URL: 'https://auth.example.test' } })
  const email = uniqueEmail()
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password: PASSWORD, email } })
  await app.accountEmail.drain()
  const logged = logLines.map((line) => JSON.parse(line) as { level: number, mail?: { to: string, text: string } }).find((entry) => entry.mail?.to === email)
  t.equal(logged?.level, 30)
  t.match(logged?.mail?.text ?? '', /https:\/\/auth\.example\.test\/account\/#action=verify&token=[A-Za-z0-9_-]{43}/)
  t.match(logged?.mail?.text ?? '', /code: [0-9]{8}/)
})

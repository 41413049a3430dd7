import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildDist } from '../e2e/server-process.js'
import { build, login, PASSWORD, uniqueName } from '../helper.js'
import { startSmtpCapture } from '../mail/smtp-capture.js'
import { cli } from './run-cli.js'

t.before(buildDist)

t.test('cli - user:verify-email and user:send-reset on the server\'s SQLite file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-cli-mail-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const smtp = await startSmtpCapture(t)
  const env = { STORAGE_URL: `sqlite://${join(dir, 'auth.db')}`, JWT_SECRET: 'cli-test-secret-cli-test-secret-cli-test', SMTP_URL: smtp.url, PUBLIC_URL: 'https://auth.example.test', EMAIL_VERIFICATION: 'required' }
  const username = uniqueName('cli')
  const email = `${username}@example.test`
  const created = await cli(['user:create', '--username', username, '--email', email], env, `${PASSWORD}\n`)
  t.equal(created.code, 0, created.stderr)

  const app = await build(t, { env })
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).json().code, 'email_not_verified')
  const verified = await cli(['user:verify-email', username], env)
  t.equal(verified.code, 0, verified.stderr)
  t.match(verified.stdout, `${username}: email ${email} verified`)
  await login(app, username)

  const sent = await cli(['user:send-reset', username], env)
  t.equal(sent.code, 0, sent.stderr)
  const mail = await smtp.next(email)
  t.equal(mail.action, 'reset')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: 'a cli-sent new passphrase' } })).statusCode, 204)

  const usage = await cli(['user:send-reset'], env)
  t.equal(usage.code, 2)
  t.match(usage.stderr, /takes one username/)
  t.equal((await cli(['user:verify-email', 'nobody_here'], env)).code, 2)
})

import t from 'tap'
import { buildDist } from '../e2e/server-process.js'
import { build, login, PASSWORD } from '../helper.js'
import { userWithTotp } from '../mfa/helper.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'
import { cli } from './run-cli.js'

t.before(buildDist)

t.test('cli - user:mfa-reset takes exactly one username', async (t) => {
  const none = await cli(['user:mfa-reset'], { STORAGE_URL: 'mysql://127.0.0.1/x' })
  t.equal(none.code, 2)
  t.match(none.stderr, /user:mfa-reset takes one username/)
  t.equal((await cli(['user:mfa-reset', 'a', 'b'], { STORAGE_URL: 'mysql://127.0.0.1/x' })).code, 2)
})

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const { url } = await freshMysqlDatabase(t, serverUrl)
  const env = { STORAGE_URL: url, JWT_SECRET: 'cli-test-secret-cli-test-secret-cli-test', MFA_ENCRYPTION_KEY: 'mN5CkXg3rPqTzV1wY8bH0sLdF6jA2eUoI9tRcKyW4Qk=' }

  t.test('cli - user:mfa-reset removes the factors and ends the sessions; the password alone logs in again', async (t) => {
    const app = await build(t, { env })
    const user = await userWithTotp(app, Date.now)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })).json().code, 'mfa_required')

    const reset = await cli(['user:mfa-reset', user.username], env)
    t.equal(reset.code, 0, reset.stderr)
    t.match(reset.stdout, new RegExp(`${user.username}: second factors reset \\(authenticator app: removed, recovery codes: 10, passkeys: 0\\); sessions ended`))
    t.equal(await app.store.findTotpFactor(user.id), null)
    t.equal(await app.store.countRecoveryCodes(user.id), 0)
    await app.revocations.sync()
    t.equal((await app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${user.accessToken}` } })).statusCode, 401, 'their sessions ended')
    t.ok((await login(app, user.username)).access_token, 'the password alone logs in')

    const missing = await cli(['user:mfa-reset', 'nobody_at_all'], env)
    t.equal(missing.code, 2)
    t.match(missing.stderr, /no user named nobody_at_all/)
  })
})

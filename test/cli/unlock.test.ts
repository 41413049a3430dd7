import t from 'tap'
import { buildDist } from '../e2e/server-process.js'
import { bearer, build, login, PASSWORD, register } from '../helper.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'
import { cli } from './run-cli.js'

t.before(buildDist)

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const { url } = await freshMysqlDatabase(t, serverUrl)
  const env = { STORAGE_URL: url, JWT_SECRET: 'cli-test-secret-cli-test-secret-cli-test', AUDIT_LOG: 'storage' }

  t.test('cli - user:unlock USERNAME clears the account\'s failed logins, audited', async (t) => {
    const app = await build(t, { env: { STORAGE_URL: url, AUDIT_LOG: 'storage' } })
    const user = await register(app)
    const attempt = (password: string) => app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '198.51.100.3', payload: { username: user.username, password } })
    for (let i = 0; i < 6; i++) await attempt('wrong password')
    t.equal((await attempt(PASSWORD)).statusCode, 429, 'locked')

    const unlocked = await cli(['user:unlock', user.username.toUpperCase()], env)
    t.equal(unlocked.code, 0, unlocked.stderr)
    t.match(unlocked.stdout, `${user.username}: failed logins cleared`)
    t.equal((await attempt(PASSWORD)).statusCode, 200, 'the right password works again at once')

    const admin = await register(app)
    await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
    await app.auditTrail?.flush()
    const audit = await app.inject({ url: `/admin/audit?user_id=${user.id}`, headers: bearer((await login(app, admin.username)).access_token) })
    t.match((audit.json() as { events: unknown[] }).events, [{ event: 'login_success' }, { event: 'login_failures_cleared', details: { actor_id: 'cli' } }])
  })

  t.test('cli - user:unlock refuses a missing or unknown username with exit code 2', async (t) => {
    const missing = await cli(['user:unlock'], env)
    t.equal(missing.code, 2)
    t.match(missing.stderr, /one username/)
    const unknown = await cli(['user:unlock', 'nobody_at_all'], env)
    t.equal(unknown.code, 2)
    t.match(unknown.stderr, /no user named nobody_at_all/)
  })
})

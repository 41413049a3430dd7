import t from 'tap'
import { buildDist } from '../e2e/server-process.js'
import { bearer, build, login } from '../helper.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'
import { cli } from './run-cli.js'

// The compiled CLI, as `npm run cli` runs it (each run through the TypeScript loader took seconds).
t.before(buildDist)

t.test('cli - refuses memory storage and unknown arguments with exit code 2 and a reason', async (t) => {
  const memory = await cli(['user:list'], { STORAGE_URL: 'memory://' })
  t.equal(memory.code, 2)
  t.match(memory.stderr, /STORAGE_URL is memory:\/\//)
  const unknown = await cli(['user:create', '--username', 'x', '--password', 'secret'], { STORAGE_URL: 'mysql://127.0.0.1/x' })
  t.equal(unknown.code, 2, 'a password is never taken from an argument')
  t.match(unknown.stderr, /unknown argument --password/)
  t.match((await cli(['user:create', '--help'], {})).stdout, /standard input/)
})

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const { url } = await freshMysqlDatabase(t, serverUrl)
  const env = { STORAGE_URL: url, JWT_SECRET: 'cli-test-secret-cli-test-secret-cli-test' }

  t.test('cli - user:create, user:list, user:set-roles, user:disable, sessions:revoke on the server\'s database', async (t) => {
    const created = await cli(['user:create', '--username', 'root_admin', '--role', 'admin'], env, 'a very long admin passphrase\n')
    t.equal(created.code, 0, created.stderr)
    t.match(created.stdout, /created root_admin .* with roles user,admin/)
    const duplicate = await cli(['user:create', '--username', 'ROOT_ADMIN'], env, 'another long passphrase')
    t.equal(duplicate.code, 1)
    t.match(duplicate.stderr, /already registered/)
    const weak = await cli(['user:create', '--username', 'weakling'], env, 'password')
    t.equal(weak.code, 1)
    t.match(weak.stderr, /common/)

    const app = await build(t, { env: { STORAGE_URL: url } })
    const pair = await login(app, 'root_admin', 'a very long admin passphrase')
    t.equal((await app.inject({ url: '/admin/users', headers: bearer(pair.access_token) })).statusCode, 200, 'the created admin is an admin')

    t.match((await cli(['user:list', '--prefix', 'root'], env)).stdout, /\troot_admin\tuser,admin\tactive\t/)
    t.match((await cli(['user:set-roles', '--username', 'root_admin', '--roles', 'user,admin,auditor'], env)).stdout, /roles user,admin,auditor/)
    await app.revocations.sync() // what every instance does each REVOCATION_SYNC_INTERVAL_MS
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })).statusCode, 401, 'its sessions ended')
    const again = await login(app, 'root_admin', 'a very long admin passphrase')
    t.match((await cli(['sessions:revoke', '--username', 'root_admin'], env)).stdout, /1 session\(s\) ended/)
    await app.revocations.sync()
    t.equal((await app.inject({ url: '/auth/me', headers: bearer(again.access_token) })).statusCode, 401)
    t.match((await cli(['user:disable', '--username', 'root_admin'], env)).stdout, /disabled/)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'root_admin', password: 'a very long admin passphrase' } })).statusCode, 403)
    t.match((await cli(['user:disable', '--username', 'root_admin', '--enable', 'true'], env)).stdout, /enabled/)
    const missing = await cli(['user:disable', '--username', 'nobody_at_all'], env)
    t.equal(missing.code, 2)
    t.match(missing.stderr, /no user named nobody_at_all/)
  })

  t.test('cli - without JWT_SECRET: no warning about a random secret (it reads the server\'s local one)', async (t) => {
    t.equal(process.env.JWT_SECRET, undefined)
    const listed = await cli(['user:list'], { STORAGE_URL: url, LOG_LEVEL: 'info' }, '', t.testdir())
    t.equal(listed.code, 0, listed.stderr)
    t.notMatch(`${listed.stdout}${listed.stderr}`, /JWT_SECRET|random secret/)
  })
})

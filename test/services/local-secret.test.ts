import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig } from '../../services/config.js'
import { localJwtSecret } from '../../services/local-secret.js'
import { startupEnvironment } from '../../services/startup-env.js'

t.test('local JWT secret - made once with mode 0600 in a 0700 folder, then reused', async (t) => {
  const cwd = t.testdir()
  const first = localJwtSecret({}, cwd)
  t.match(first, { path: join('data', 'jwt-secret'), created: true })
  const file = join(cwd, 'data', 'jwt-secret')
  t.equal(statSync(file).mode & 0o777, 0o600, 'only its owner can read it')
  t.equal(statSync(join(cwd, 'data')).mode & 0o777, 0o700)
  t.equal(readFileSync(file, 'utf8').trim(), first?.secret)
  t.ok((first?.secret.length ?? 0) >= 64, '48 random bytes')
  const second = localJwtSecret({ NODE_ENV: 'development' }, cwd)
  t.same(second, { ...first, created: false }, 'the next start reuses it')
})

t.test('local JWT secret - never in production, never over JWT_SECRET, only for HS256', async (t) => {
  const cwd = t.testdir()
  t.equal(localJwtSecret({ NODE_ENV: 'production' }, cwd), null)
  t.equal(localJwtSecret({ JWT_SECRET: 'given' }, cwd), null)
  t.equal(localJwtSecret({ JWT_ALGORITHM: 'EdDSA' }, cwd), null)
  t.throws(() => statSync(join(cwd, 'data')), { code: 'ENOENT' }, 'no file was made')
  const { env } = startupEnvironment({ NODE_ENV: 'production' }, cwd)
  t.throws(() => loadConfig(env), ConfigError, 'production still refuses to start without JWT_SECRET')
})

t.test('local JWT secret - refuses a file other users can read, or a short one', async (t) => {
  const cwd = t.testdir({ data: { 'jwt-secret': 'x'.repeat(64) } })
  chmodSync(join(cwd, 'data', 'jwt-secret'), 0o644)
  t.throws(() => localJwtSecret({}, cwd), { name: 'ConfigError', message: /readable by other users \(mode 644\): run chmod 600 data\/jwt-secret/ })
  chmodSync(join(cwd, 'data', 'jwt-secret'), 0o600)
  t.equal(localJwtSecret({}, cwd)?.secret, 'x'.repeat(64))
  writeFileSync(join(cwd, 'data', 'jwt-secret'), 'short')
  t.throws(() => localJwtSecret({}, cwd), { name: 'ConfigError', message: /fewer than 32 characters/ })
})

t.test('startup environment - .env under the real environment, and the secret reaches the config', async (t) => {
  const cwd = t.testdir({ '.env': 'PORT=4100\nLOG_LEVEL=debug\n# a comment\nHOST="0.0.0.0"\n' })
  const { env, notes } = startupEnvironment({ LOG_LEVEL: 'warn' }, cwd)
  const config = loadConfig(env)
  t.equal(config.PORT, 4100, 'read from .env')
  t.equal(config.HOST, '0.0.0.0', 'quotes removed')
  t.equal(config.LOG_LEVEL, 'warn', 'the real environment wins')
  t.equal(config.jwtSecretGenerated, false)
  t.equal(config.JWT_SECRET, readFileSync(join(cwd, 'data', 'jwt-secret'), 'utf8').trim())
  t.match(notes[0], /^\.env: 2 variable\(s\) read \(HOST, PORT\)/)
  t.match(notes[1], /^JWT_SECRET is not set: signing with the development secret in data\/jwt-secret \(created now\)/)
  t.same(startupEnvironment({}, t.testdir()).env.PORT, undefined, 'no .env: nothing added')
})

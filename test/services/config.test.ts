import t from 'tap'
import { ConfigError, loadConfig } from '../../services/config.js'

t.test('loadConfig - should apply the documented defaults', async (t) => {
  const config = loadConfig({})
  t.match(config, {
    HOST: '127.0.0.1',
    PORT: 3000,
    LOG_LEVEL: 'info',
    STORAGE_URL: 'memory://',
    ACCESS_TOKEN_TTL: 900,
    REFRESH_TOKEN_TTL: 1209600,
    REFRESH_REUSE_GRACE: 10,
    STORAGE_TIMEOUT_MS: 5000,
    corsOrigins: null,
    jwtSecretGenerated: true
  })
  t.ok(Buffer.byteLength(config.JWT_SECRET) >= 32, 'a generated secret is long')
  t.not(loadConfig({}).JWT_SECRET, config.JWT_SECRET, 'a generated secret is random')
})

t.test('loadConfig - should convert numbers and keep a given secret', async (t) => {
  const config = loadConfig({ PORT: '8080', ACCESS_TOKEN_TTL: '60', JWT_SECRET: 'abc', LOG_LEVEL: 'warn' })
  t.equal(config.PORT, 8080)
  t.equal(config.ACCESS_TOKEN_TTL, 60)
  t.equal(config.JWT_SECRET, 'abc')
  t.equal(config.jwtSecretGenerated, false)
})

t.test('loadConfig - should name the variable of a bad value', async (t) => {
  for (const [name, value] of [['PORT', 'eighty'], ['PORT', '70000'], ['LOG_LEVEL', 'loud'], ['ACCESS_TOKEN_TTL', '0'], ['REFRESH_REUSE_GRACE', '-1'], ['STORAGE_TIMEOUT_MS', '1.5']]) {
    t.throws(() => loadConfig({ [name as string]: value }), { name: 'ConfigError', message: new RegExp(`\\b${name}\\b`) }, `${name}=${value}`)
  }
})

t.test('loadConfig - should refuse production without a strong JWT_SECRET', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), { message: /JWT_SECRET/ })
  t.throws(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' }), ConfigError)
  t.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), ALLOW_MEMORY_STORAGE: 'true' }).JWT_SECRET, 'x'.repeat(32))
})

t.test('loadConfig - should parse CORS_ORIGINS into exact origins', async (t) => {
  t.same(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins, ['https://a.example', 'http://localhost:5173'])
  t.throws(() => loadConfig({ CORS_ORIGINS: '*' }), { message: /CORS_ORIGINS/ })
  t.throws(() => loadConfig({ CORS_ORIGINS: 'not an origin' }), { message: /CORS_ORIGINS/ })
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' }), { message: /CORS_ORIGINS/ })
})

t.test('loadConfig - production guard: each refusal names the variable and the fix', async (t) => {
  const strong = { NODE_ENV: 'production', JWT_SECRET: 'y'.repeat(48), STORAGE_URL: 'mysql://db/auth' }
  t.throws(() => loadConfig({ ...strong, JWT_SECRET: undefined }), { message: /JWT_SECRET.*openssl rand/ })
  t.throws(() => loadConfig({ ...strong, JWT_SECRET: 'short' }), { message: /JWT_SECRET/ })
  t.throws(() => loadConfig({ ...strong, STORAGE_URL: 'memory://' }), { message: /STORAGE_URL=memory:\/\/.*ALLOW_MEMORY_STORAGE=true/ })
  t.throws(() => loadConfig({ ...strong, CORS_ORIGINS: '*' }), { message: /CORS_ORIGINS/ }, 'no wildcard with credentials')
  t.equal(loadConfig({ ...strong, STORAGE_URL: 'memory://', ALLOW_MEMORY_STORAGE: 'true' }).STORAGE_URL, 'memory://')
  t.equal(loadConfig({ ...strong, JWT_SECRET: undefined, JWT_ALGORITHM: 'EdDSA' }).JWT_ALGORITHM, 'EdDSA', 'no secret needed for asymmetric keys')
  t.equal(loadConfig({ STORAGE_URL: 'memory://' }).STORAGE_URL, 'memory://', 'outside production memory is the default')
})

t.test('loadConfig - messages list the allowed values and refuse numbers not written as plain integers', async (t) => {
  t.throws(() => loadConfig({ JWT_ALGORITHM: 'HS512' }), { message: 'Invalid environment variable JWT_ALGORITHM: must be one of HS256, EdDSA, ES256, RS256 (got "HS512")' })
  t.throws(() => loadConfig({ LOG_LEVEL: 'verbose' }), { message: 'Invalid environment variable LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")' })
  t.throws(() => loadConfig({ ALLOW_MEMORY_STORAGE: 'yes' }), { message: 'Invalid environment variable ALLOW_MEMORY_STORAGE: must be true or false (got "yes")' })
  for (const port of ['1e3', '3000.5', '0x10', ' 3000', '3000 ']) {
    t.throws(() => loadConfig({ PORT: port }), { message: `Invalid environment variable PORT: must be a whole number in digits, like 3000 (got ${JSON.stringify(port)})` }, `PORT=${JSON.stringify(port)}`)
  }
  t.throws(() => loadConfig({ ACCESS_TOKEN_TTL: '9e2' }), { message: /ACCESS_TOKEN_TTL: must be a whole number in digits, like 900/ })
  t.equal(loadConfig({ PORT: '8080', STORAGE_CONNECT_TIMEOUT_MS: '0' }).PORT, 8080, 'plain digits still convert')
  t.throws(() => loadConfig({ CORS_ORIGINS: 'app.example.com' }), { message: /"app\.example\.com" is not an origin: list origins separated by commas, like CORS_ORIGINS=https:\/\/app\.example\.com,http:\/\/localhost:5173/ })
})

t.test('loadConfig - STORAGE_CONNECT_TIMEOUT_MS defaults to 30 s', async (t) => {
  t.equal(loadConfig({}).STORAGE_CONNECT_TIMEOUT_MS, 30_000)
})

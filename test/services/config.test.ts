import t from 'tap'
import { ConfigError, loadConfig } from '../../services/config.js'

/** A secret as `openssl rand -base64 48` makes one (fixed here so a failure can be reproduced). */
const RANDOM_SECRET = 'q3T0v8Kc1mZP4yWbN7sXe2LhGa9dRfUj5oVtQiEw6BnCkYp-HzuMlJxgD_rSO'
const MFA_KEY = 'mN5CkXg3rPqTzV1wY8bH0sLdF6jA2eUoI9tRcKyW4Qk='

t.test('loadConfig - should apply the documented defaults', async (t) => {
  const config = loadConfig({})
  t.match(config, {
    HOST: '127.0.0.1',
    PORT: 3000,
    LOG_LEVEL: 'info',
    STORAGE_URL: 'sqlite://./data/auth.db',
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
  t.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: RANDOM_SECRET, STORAGE_URL: 'sqlite:///var/lib/auth/auth.db', PUBLIC_URL: 'https://auth.example', SMTP_URL: 'smtps://mail.example:465', MFA_ENCRYPTION_KEY: MFA_KEY }).JWT_SECRET, RANDOM_SECRET)
})

t.test('loadConfig - should parse CORS_ORIGINS into exact origins', async (t) => {
  t.same(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).corsOrigins, ['https://a.example', 'http://localhost:5173'])
  t.throws(() => loadConfig({ CORS_ORIGINS: '*' }), { message: /CORS_ORIGINS/ })
  t.throws(() => loadConfig({ CORS_ORIGINS: 'not an origin' }), { message: /CORS_ORIGINS/ })
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' }), { message: /CORS_ORIGINS/ })
})

t.test('loadConfig - production guard: each refusal names the variable and the fix', async (t) => {
  const strong = { NODE_ENV: 'production', JWT_SECRET: RANDOM_SECRET, STORAGE_URL: 'mysql://db/auth', PUBLIC_URL: 'https://auth.example', SMTP_URL: 'smtps://mail.example:465', MFA_ENCRYPTION_KEY: MFA_KEY }
  t.throws(() => loadConfig({ ...strong, JWT_SECRET: undefined }), { message: /JWT_SECRET.*openssl rand/ })
  t.throws(() => loadConfig({ ...strong, JWT_SECRET: 'short' }), { message: /JWT_SECRET/ })
  t.throws(() => loadConfig({ ...strong, STORAGE_URL: 'memory://' }), { message: /STORAGE_URL=memory:\/\/.*ALLOW_MEMORY_STORAGE=true/ })
  t.throws(() => loadConfig({ ...strong, CORS_ORIGINS: '*' }), { message: /CORS_ORIGINS/ }, 'no wildcard with credentials')
  t.equal(loadConfig({ ...strong, STORAGE_URL: 'memory://', ALLOW_MEMORY_STORAGE: 'true' }).STORAGE_URL, 'memory://')
  t.throws(() => loadConfig({ ...strong, STORAGE_URL: 'sqlite::memory:' }), { message: /STORAGE_URL=sqlite::memory: is refused.*ALLOW_MEMORY_STORAGE=true/ }, 'an in-memory SQLite database is memory too')
  t.equal(loadConfig({ ...strong, STORAGE_URL: 'sqlite://./data/auth.db' }).STORAGE_URL, 'sqlite://./data/auth.db', 'a SQLite file is fine on one machine')
  t.equal(loadConfig({ ...strong, JWT_SECRET: undefined, JWT_ALGORITHM: 'EdDSA' }).JWT_ALGORITHM, 'EdDSA', 'no secret needed for asymmetric keys')
  t.throws(() => loadConfig({ ...strong, MFA_ENCRYPTION_KEY: undefined }), { message: /^MFA_ENCRYPTION_KEY must be set when NODE_ENV=production.*openssl rand -base64 32/ }, 'TOTP secrets are encrypted with a configured key')
  t.equal(loadConfig({ ...strong, NODE_ENV: 'development', MFA_ENCRYPTION_KEY: undefined }).MFA_ENCRYPTION_KEY, undefined, 'outside production a key is derived')
  t.throws(() => loadConfig({ ...strong, STORAGE_URL: undefined }), { message: /^STORAGE_URL must be set when NODE_ENV=production.*sqlite:\/\/\/var\/lib\/auth\/auth\.db/ }, 'production says where its data lives')
  t.equal(loadConfig({}).STORAGE_URL, 'sqlite://./data/auth.db', 'outside production a SQLite file is the default')
  t.equal(loadConfig({ STORAGE_URL: 'memory://' }).STORAGE_URL, 'memory://', 'outside production memory is accepted')
})

const production = { NODE_ENV: 'production', JWT_SECRET: RANDOM_SECRET, STORAGE_URL: 'mysql://db/auth', PUBLIC_URL: 'https://auth.example', SMTP_URL: 'smtps://mail.example:465', MFA_ENCRYPTION_KEY: MFA_KEY }

t.test('production guard - a NODE_ENV that looks like production but is not exactly it is refused', async (t) => {
  for (const nodeEnv of ['Production', 'production ', ' production', 'PRODUCTION', 'prod', 'Prod', 'production-eu']) {
    t.throws(() => loadConfig({ ...production, NODE_ENV: nodeEnv }), { name: 'ConfigError', message: /NODE_ENV=.*set NODE_ENV=production/ }, JSON.stringify(nodeEnv))
  }
  for (const nodeEnv of ['development', 'test', 'staging', 'production']) {
    t.equal(loadConfig({ ...production, NODE_ENV: nodeEnv }).NODE_ENV, nodeEnv, `${nodeEnv} is accepted`)
  }
})

t.test('production guard - an HS256 secret of obviously low entropy is refused, a random one accepted', async (t) => {
  const guessable = ['x'.repeat(64), 'ab'.repeat(32), 'passwordpasswordpasswordpassword', '0000000011111111222222223333333344444444', 'abcabcabcabcabcabcabcabcabcabcabcabc']
  for (const secret of guessable) {
    t.throws(() => loadConfig({ ...production, JWT_SECRET: secret }), { name: 'ConfigError', message: /JWT_SECRET is guessable.*openssl rand/ }, secret)
    t.equal(loadConfig({ JWT_SECRET: secret }).JWT_SECRET, secret, 'outside production it is accepted')
  }
  for (const secret of [RANDOM_SECRET, '3f9a1c07d2b84e6590ab1c2d3e4f5061', 'correct horse battery staple, then some more words']) {
    t.equal(loadConfig({ ...production, JWT_SECRET: secret }).JWT_SECRET, secret, secret)
  }
  t.equal(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(64), JWT_ALGORITHM: 'EdDSA' }).JWT_ALGORITHM, 'EdDSA', 'no HS256, no secret to judge')
})

t.test('production guard - TRUST_PROXY=true needs TRUST_PROXY_ANY_ACKNOWLEDGED=true', async (t) => {
  t.throws(() => loadConfig({ ...production, TRUST_PROXY: 'true' }), { name: 'ConfigError', message: /TRUST_PROXY=true.*TRUST_PROXY_ANY_ACKNOWLEDGED=true/ })
  t.throws(() => loadConfig({ ...production, TRUST_PROXY: 'true', TRUST_PROXY_ANY_ACKNOWLEDGED: 'false' }), { message: /TRUST_PROXY/ })
  t.equal(loadConfig({ ...production, TRUST_PROXY: 'true', TRUST_PROXY_ANY_ACKNOWLEDGED: 'true' }).TRUST_PROXY, 'true')
  t.equal(loadConfig({ ...production, TRUST_PROXY: '10.0.0.0/8' }).TRUST_PROXY, '10.0.0.0/8', 'listed proxies need no acknowledgement')
  t.equal(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY, 'true', 'outside production it is allowed')
})

t.test('production guard - introspection client secrets shorter than 32 characters are refused', async (t) => {
  t.throws(() => loadConfig({ ...production, INTROSPECTION_CLIENTS: 'gateway:short-secret' }), { name: 'ConfigError', message: /INTROSPECTION_CLIENTS.*"gateway".*32 characters.*openssl rand/ })
  t.throws(() => loadConfig({ ...production, INTROSPECTION_CLIENTS: `a:${'s'.repeat(40)},b:${'t'.repeat(31)}` }), { message: /"b"/ })
  t.equal(loadConfig({ ...production, INTROSPECTION_CLIENTS: `gateway:${'s'.repeat(32)}` }).introspectionClients.get('gateway'), 's'.repeat(32))
  t.equal(loadConfig({ INTROSPECTION_CLIENTS: 'gateway:short' }).introspectionClients.get('gateway'), 'short', 'outside production short secrets are allowed')
})

t.test('production guard - PUBLIC_URL or an https:// JWT_ISSUER is required (links are never built from Host)', async (t) => {
  t.throws(() => loadConfig({ ...production, PUBLIC_URL: undefined }), { name: 'ConfigError', message: /PUBLIC_URL must be set.*https:\/\/auth\.example\.com/ })
  t.throws(() => loadConfig({ ...production, PUBLIC_URL: undefined, JWT_ISSUER: 'http://auth.example' }), { message: /PUBLIC_URL/ })
  t.equal(loadConfig({ ...production, PUBLIC_URL: undefined, JWT_ISSUER: 'https://auth.example' }).JWT_ISSUER, 'https://auth.example')
  t.throws(() => loadConfig({ PUBLIC_URL: 'https://auth.example/auth?x' }), { message: /PUBLIC_URL/ }, 'an origin and a path, no query')
  t.equal(loadConfig({ PUBLIC_URL: 'https://example.com/auth/' }).PUBLIC_URL, 'https://example.com/auth/')
})

t.test('timeouts - defaults, and a headers timeout above the request timeout is refused', async (t) => {
  t.match(loadConfig({}), { REQUEST_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 10_000, CONNECTION_TIMEOUT_MS: 90_000 })
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '6000' }), { name: 'ConfigError', message: /HEADERS_TIMEOUT_MS.*REQUEST_TIMEOUT_MS/ })
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

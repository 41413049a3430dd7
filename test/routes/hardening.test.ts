import t from 'tap'
import { basic, build, PASSWORD, register, uniqueName } from '../helper.js'

t.test('password policy - should refuse common passwords and the username, saying why', async (t) => {
  const app = await build(t)
  const username = uniqueName('Policy')
  const cases: Array<[string, RegExp]> = [
    ['password', /common/],
    ['Password1', /common/],
    ['iloveyou', /common/],
    ['qwertyuiop', /common/],
    [username.toUpperCase(), /username/],
    ['seven77', /.*/]
  ]
  for (const [password, reason] of cases) {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password } })
    t.equal(res.statusCode, 400, password)
    t.match(res.json(), { statusCode: 400, message: reason }, password)
  }
  t.match((await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: 'password' } })).json(), { code: 'weak_password' })
  t.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: 'a rare enough passphrase' } })).statusCode, 201)
})

t.test('oversized input - refused with 413 or 400 before any password hashing', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const argon2 = (await import('@node-rs/argon2')).default
  const { hash, verify } = argon2
  let hashing = 0
  argon2.hash = (async (...args: Parameters<typeof hash>) => { hashing++; return hash(...args) }) as typeof hash
  argon2.verify = async (...args: Parameters<typeof verify>) => { hashing++; return verify(...args) }
  t.teardown(() => { argon2.hash = hash; argon2.verify = verify })

  const big = 'x'.repeat(17 * 1024)
  const tooBigBody = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: big } })
  t.equal(tooBigBody.statusCode, 413)
  t.match(tooBigBody.json(), { statusCode: 413, code: 'payload_too_large' })
  t.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password: big } })).statusCode, 413)
  t.equal((await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', username: user.username, password: big } })).statusCode, 413)

  const emoji = '🔑'.repeat(300) // 300 characters, 1200 bytes
  const basicTooLong = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, emoji) })
  t.equal(basicTooLong.statusCode, 400)
  t.match(basicTooLong.json(), { message: /1024 bytes/ })
  t.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password: emoji } })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'p'.repeat(1025) } })).statusCode, 400)
  t.equal(hashing, 0, 'no argon2 work was spent on any of them')
})

t.test('security headers - helmet on every reply, no-store on every token reply', async (t) => {
  const app = await build(t)
  const user = await register(app)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })
  for (const res of [login, await app.inject('/health'), await app.inject('/nope')]) {
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
    t.match(res.headers['content-security-policy'], /default-src 'self'/)
    t.match(res.headers['strict-transport-security'], /max-age=/)
    t.equal(res.headers['x-powered-by'], undefined)
  }
  t.equal(login.headers['cache-control'], 'no-store')
  const refresh = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.json().refresh_token } })
  t.equal(refresh.headers['cache-control'], 'no-store')
})

t.test('IP rate limit - 429 with Retry-After and JSON once RATE_LIMIT_AUTH_MAX is spent', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' } })
  const attempt = () => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'whoever', password: 'wrong password' } })
  const codes = []
  for (let i = 0; i < 4; i++) codes.push((await attempt()).statusCode)
  t.same(codes, [401, 401, 401, 429])
  const limited = await attempt()
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.match(limited.json(), { statusCode: 429, error: 'Too Many Requests', code: 'rate_limited' })
  const otherIp = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'whoever', password: 'wrong password' } })
  t.equal(otherIp.statusCode, 401, 'counted per IP')
  const refreshes = []
  for (let i = 0; i < 9; i++) refreshes.push((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x' } })).statusCode)
  t.notOk(refreshes.includes(429), 'refresh has its own, three times larger budget')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x' } })).statusCode, 429)
  // Another username: 'whoever' has used up its per-account free failures from this address,
  // and that throttle's 429 would hide whether the IP limiter counts the token endpoint too.
  const token = () => app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', username: 'somebody', password: 'wrong password' } })
  const tokenLimited = await token()
  t.equal(tokenLimited.statusCode, 429, 'the password grant shares the budget the logins spent')
  t.match(tokenLimited.json(), { error: 'rate_limited', error_description: /from this address/ }, 'the IP limiter, in the OAuth error shape')
  t.match(tokenLimited.headers['retry-after'], /^\d+$/)
})

t.test('IP rate limit - RATE_LIMIT_AUTH_MAX=0 turns it off', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '0' } })
  const codes = new Set<number>()
  for (let i = 0; i < 30; i++) codes.add((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x' } })).statusCode)
  t.same([...codes], [401])
})

import t from 'tap'
import { build, registerAndLogin, bearer } from '../helper.js'

const BUDGET = 6

/** Each route that checks a password, as one attempt from `remoteAddress`. */
function attempts (app: Awaited<ReturnType<typeof build>>, accessToken: string) {
  return [
    (remoteAddress: string) => app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username: 'nobody_here', password: 'wrong password' } }),
    (remoteAddress: string) => app.inject({ method: 'POST', url: '/oauth/token', remoteAddress, payload: { grant_type: 'password', username: 'nobody_else', password: 'wrong password' } }),
    (remoteAddress: string) => app.inject({ method: 'POST', url: '/auth/password', remoteAddress, headers: bearer(accessToken), payload: { current_password: 'wrong password', new_password: 'a brand new passphrase' } })
  ]
}

t.test('IP rate limit - login, the OAuth password grant and the password change share one budget per client', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: String(BUDGET), RATE_LIMIT_WINDOW_MS: '60000' } })
  const user = await registerAndLogin(app)
  const routes = attempts(app, user.access_token)
  const codes = []
  for (let i = 0; i <= BUDGET; i++) codes.push((await (routes[i % routes.length] as typeof routes[0])('198.51.100.20')).statusCode)
  t.same(codes.slice(0, BUDGET).filter((code) => code === 429), [], `the first ${BUDGET} pass, spread over the three routes`)
  t.equal(codes[BUDGET], 429, `attempt ${BUDGET + 1} is refused`)
  for (const [i, route] of routes.entries()) {
    const limited = await route('198.51.100.20')
    t.equal(limited.statusCode, 429, `route ${i} is refused once the shared budget is spent`)
    t.match(limited.headers['retry-after'], /^\d+$/)
  }
  t.not((await (routes[0] as typeof routes[0])('198.51.100.21')).statusCode, 429, 'another client has its own budget')
})

t.test('IP rate limit - the shared budget counts an IPv6 client by its /64 and a mapped IPv4 client as IPv4', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' } })
  const user = await registerAndLogin(app)
  const [login] = attempts(app, user.access_token) as [(ip: string) => ReturnType<typeof app.inject>]
  t.equal((await login('2001:db8::1')).statusCode, 401)
  t.equal((await login('2001:db8:0:0:ffff::2')).statusCode, 401)
  t.equal((await login('2001:db8::abcd')).statusCode, 429, 'a third address of the same /64 is refused')
  t.equal((await login('2001:db8:0:1::1')).statusCode, 401, 'the next /64 has its own budget')
  t.equal((await login('::ffff:198.51.100.30')).statusCode, 401)
  t.equal((await login('198.51.100.30')).statusCode, 401)
  t.equal((await login('::ffff:198.51.100.30')).statusCode, 429, 'IPv4 and IPv4-mapped count as one client')
})

t.test('IP rate limit - refresh-token grants on the token endpoint spend no password guesses', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' } })
  const user = await registerAndLogin(app)
  for (let i = 0; i < 4; i++) {
    t.equal((await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'refresh_token', refresh_token: 'not-a-token' } })).statusCode, 400)
  }
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'wrong password' } })).statusCode, 401, 'the password budget is untouched')
})

import t from 'tap'
import { basic, build, PASSWORD, register } from '../helper.js'

/** An app whose service clock the test moves, so back-offs pass without sleeping. */
async function setup (t: Parameters<typeof build>[0]) {
  const clock = { now: Date.parse('2031-01-01T00:00:00Z') }
  const app = await build(t, { now: () => clock.now })
  const login = (username: string, password: string, remoteAddress = '203.0.113.7') =>
    app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username, password } })
  return { app, clock, login }
}

t.test('lockout - 5 free failures, then 429 with Retry-After for 1 s, 2 s, 4 s ..., the right password included', async (t) => {
  const { app, clock, login } = await setup(t)
  const user = await register(app)
  for (let i = 0; i < 5; i++) t.equal((await login(user.username, 'wrong password')).statusCode, 401, `free failure ${i + 1}`)
  const locked = await login(user.username, PASSWORD)
  t.equal(locked.statusCode, 429, 'the right password is refused while locked')
  t.equal(locked.headers['retry-after'], '1')
  t.match(locked.json(), { statusCode: 429, code: 'login_throttled' })
  const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.7', headers: basic(user.username, PASSWORD) })
  t.equal(viaBasic.statusCode, 429, 'HTTP Basic is throttled the same way')

  for (const expected of [2, 4, 8]) {
    clock.now += (expected / 2) * 1000
    t.equal((await login(user.username, 'wrong password')).statusCode, 401, 'the lock has passed: one more guess')
    t.equal((await login(user.username, PASSWORD)).headers['retry-after'], String(expected), `back-off doubles to ${expected} s`)
  }
  clock.now += 8000
  t.equal((await login(user.username, PASSWORD)).statusCode, 200, 'after the back-off the right password works')
  t.equal((await login(user.username, 'wrong password')).statusCode, 401, 'a success resets the count')
  t.equal((await login(user.username, PASSWORD)).statusCode, 200)
})

t.test('lockout - the back-off is capped at 15 minutes', async (t) => {
  const { app, clock, login } = await setup(t)
  const user = await register(app)
  for (let i = 0; i < 20; i++) {
    await login(user.username, 'wrong password')
    clock.now += 15 * 60 * 1000
  }
  clock.now -= 15 * 60 * 1000
  t.equal((await login(user.username, PASSWORD)).headers['retry-after'], '900')
})

t.test('lockout - unknown usernames are counted and locked exactly like existing ones', async (t) => {
  const { app, login } = await setup(t)
  const user = await register(app)
  const run = async (username: string) => {
    const replies = []
    for (let i = 0; i < 7; i++) {
      const res = await login(username, 'wrong password')
      replies.push([res.statusCode, res.headers['retry-after'] ?? null, res.body])
    }
    return replies
  }
  t.same(await run(user.username), await run('no_such_user_here'), 'same statuses, same Retry-After, same bodies')
})

t.test('lockout - keyed on username and IP, with a ceiling per username that binds only clients the account does not know', async (t) => {
  const { app, login } = await setup(t)
  const user = await register(app)
  t.equal((await login(user.username, PASSWORD, '192.0.2.44')).statusCode, 200, 'the owner logs in from home')
  for (let i = 0; i < 6; i++) await login(user.username, 'wrong password', '198.51.100.1')
  t.equal((await login(user.username, PASSWORD, '198.51.100.1')).statusCode, 429, 'the attacker\'s address is locked')
  t.equal((await login(user.username, PASSWORD, '192.0.2.55')).statusCode, 200, 'the user, elsewhere, is not')
  for (let ip = 0; ip < 50; ip++) await login(user.username, 'wrong password', `10.1.${ip}.1`)
  t.equal((await login(user.username, PASSWORD, '192.0.2.99')).statusCode, 429, '50 failures from many addresses lock the username for new clients')
  t.equal((await login(user.username, 'wrong password', '10.2.0.1')).statusCode, 429, 'a fresh attacker address gets no guess')
  t.equal((await login(user.username, PASSWORD, '192.0.2.44')).statusCode, 200, 'a client that logged in before still gets in')
  t.equal((await login(user.username, PASSWORD, '192.0.2.55')).statusCode, 200, 'so does the other one')
  t.equal((await login(user.username, PASSWORD, '192.0.2.99')).statusCode, 429, 'the owner\'s success does not reset the ceiling for unknown clients')
  t.equal((await login(user.username, 'wrong password', '192.0.2.44')).statusCode, 401, 'a known client still has its own budget')
})

t.test('lockout - an IPv6 client is one client per /64, an IPv4-mapped one is its IPv4 address', async (t) => {
  const { app, login } = await setup(t)
  const user = await register(app)
  for (let i = 1; i <= 5; i++) t.equal((await login(user.username, 'wrong password', `2001:db8::${i}`)).statusCode, 401)
  t.equal((await login(user.username, PASSWORD, '2001:db8:0:0:ffff::2')).statusCode, 429, 'another address of the /64 shares its budget')
  t.equal((await login(user.username, PASSWORD, '2001:db8:0:1::1')).statusCode, 200, 'the next /64 does not')
  for (let i = 0; i < 5; i++) await login(user.username, 'wrong password', '::ffff:198.51.100.9')
  t.equal((await login(user.username, PASSWORD, '198.51.100.9')).statusCode, 429, 'mapped and plain IPv4 are one client')
})

t.test('lockout - concurrent guesses for one username are counted one by one', async (t) => {
  const { app, login } = await setup(t)
  const user = await register(app)
  const codes = (await Promise.all(Array.from({ length: 12 }, () => login(user.username, 'wrong password')))).map((res) => res.statusCode)
  t.equal(codes.filter((code) => code === 401).length, 5, 'only the free failures were checked')
  t.equal(codes.filter((code) => code === 429).length, 7)
})

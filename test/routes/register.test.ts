import t from 'tap'
import { build, uniqueName, PASSWORD } from '../helper.js'

const post = (payload: unknown) => ({
  method: 'POST' as const,
  url: '/auth/register',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(payload)
})

t.test('POST /auth/register - should create a user and never return the hash', async (t) => {
  const app = await build(t)
  const username = uniqueName('New.User')
  const res = await app.inject(post({ username, password: PASSWORD, email: 'new@example.com' }))
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, { username, email: 'new@example.com' })
  t.match(body.id, /^[0-9a-f-]{36}$/)
  t.same(Object.keys(body).sort(), ['email', 'id', 'username'])
  const stored = await app.store.findUserById(body.id)
  t.match(stored?.passwordHash, /^\$argon2id\$/)
})

t.test('POST /auth/register - should accept any unicode password with spaces and colons, email optional', async (t) => {
  const app = await build(t)
  const res = await app.inject(post({ username: uniqueName(), password: '  пароль:密码:🔑  ' }))
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().email, null)
})

t.test('POST /auth/register - should answer 409 for a taken name in any case', async (t) => {
  const app = await build(t)
  const username = uniqueName('Case')
  t.equal((await app.inject(post({ username, password: PASSWORD }))).statusCode, 201)
  const res = await app.inject(post({ username: username.toUpperCase(), password: PASSWORD }))
  t.equal(res.statusCode, 409)
  t.match(res.json(), { statusCode: 409, error: 'Conflict', code: 'username_taken' })
})

t.test('POST /auth/register - should answer 400 naming the invalid field', async (t) => {
  const app = await build(t)
  const cases: Array<[unknown, RegExp]> = [
    [{ password: PASSWORD }, /username/],
    [{ username: 'ab', password: PASSWORD }, /username/],
    [{ username: 'x'.repeat(65), password: PASSWORD }, /username/],
    [{ username: 'has space', password: PASSWORD }, /username/],
    [{ username: 'semi;colon', password: PASSWORD }, /username/],
    [{ username: uniqueName(), password: 'short' }, /password/],
    [{ username: uniqueName(), password: 'p'.repeat(1025) }, /password/],
    [{ username: uniqueName(), password: PASSWORD, email: 'not-an-email' }, /email/],
    [{ username: { $ne: null }, password: PASSWORD }, /username/],
    [{ username: uniqueName(), password: 12345678 }, /password/],
    [[], /body/],
    ['just a string', /body/]
  ]
  for (const [payload, field] of cases) {
    const res = await app.inject(post(payload))
    t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
    t.match(res.json(), { statusCode: 400, code: 'invalid_request', message: field })
  }
})

t.test('POST /auth/register - should drop unknown fields (no role escalation through the body)', async (t) => {
  const app = await build(t)
  const res = await app.inject(post({ username: uniqueName(), password: PASSWORD, roles: ['admin'] }))
  t.equal(res.statusCode, 201)
  t.same((await app.store.findUserById(res.json().id))?.roles, ['user'])
})

t.test('POST /auth/register - should refuse broken JSON and foreign content types without a 500', async (t) => {
  const app = await build(t)
  const broken = await app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"username": "x",' })
  t.equal(broken.statusCode, 400)
  t.match(broken.json(), { code: 'invalid_json' })
  const xml = await app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': 'application/xml' }, payload: '<u/>' })
  t.equal(xml.statusCode, 415)
  t.match(xml.json(), { statusCode: 415, code: 'unsupported_media_type' })
  const empty = await app.inject({ method: 'POST', url: '/auth/register' })
  t.equal(empty.statusCode, 400)
})

t.test('POST /auth/register - should let exactly one of 20 concurrent registrations of one name win', async (t) => {
  const app = await build(t)
  const username = uniqueName('race')
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    app.inject(post({ username: i % 2 === 0 ? username : username.toUpperCase(), password: PASSWORD }))))
  const codes = replies.map((res) => res.statusCode)
  t.equal(codes.filter((code) => code === 201).length, 1)
  t.equal(codes.filter((code) => code === 409).length, 19)
})

import t from 'tap'
import { bearer, build, registerAndLogin } from '../helper.js'

t.test('protected routes - should answer a valid token and refuse a missing one', async (t) => {
  const app = await build(t)
  const user = await registerAndLogin(app)
  for (const url of ['/protected/hello', '/protected/hello2']) {
    const ok = await app.inject({ url, headers: bearer(user.access_token) })
    t.equal(ok.statusCode, 200)
    t.equal(ok.json().user_id, user.id)
    const refused = await app.inject({ url })
    t.equal(refused.statusCode, 401)
    t.match(refused.json(), { statusCode: 401, error: 'Unauthorized', code: 'invalid_token' })
  }
})

t.test('POST /protected/echo - should validate its payload', async (t) => {
  const app = await build(t)
  const user = await registerAndLogin(app)
  const echo = (payload: unknown) => app.inject({
    method: 'POST',
    url: '/protected/echo',
    headers: { ...bearer(user.access_token), 'content-type': 'application/json' },
    payload: JSON.stringify(payload)
  })
  const ok = await echo({ message: 'hi there' })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { message: 'hi there', user_id: user.id })
  for (const bad of [{}, { message: '' }, { message: 'x'.repeat(1001) }, { message: 42 }, { message: ['a'] }]) {
    const res = await echo(bad)
    t.equal(res.statusCode, 400, JSON.stringify(bad).slice(0, 40))
    t.match(res.json(), { code: 'invalid_request', message: /message|body/ })
  }
  const unauthenticated = await app.inject({ method: 'POST', url: '/protected/echo', payload: { message: 'hi' } })
  t.equal(unauthenticated.statusCode, 401, 'the guard runs before the body is looked at')
})

t.test('GET /public/hello - should answer anyone, and read no token', async (t) => {
  const app = await build(t)
  const anonymous = await app.inject('/public/hello')
  t.equal(anonymous.statusCode, 200)
  t.same(anonymous.json(), { message: 'Hello from a public route', user_id: null })
  for (const authorization of ['Bearer not-a-token', 'Basic Zm9vOmJhcg==']) {
    const res = await app.inject({ url: '/public/hello', headers: { authorization } })
    t.equal(res.statusCode, 200, `${authorization.split(' ')[0]} header ignored, not refused`)
    t.same(res.json(), anonymous.json(), 'nobody is named, whatever the header says')
  }
  const user = await registerAndLogin(app)
  const withToken = await app.inject({ url: '/public/hello', headers: bearer(user.access_token) })
  t.same(withToken.json(), anonymous.json(), 'a valid token changes nothing here')
})

import t from 'tap'
import { build, register } from '../helper.js'

t.test('GET / - should describe the service and link the routes, never list users', async (t) => {
  const app = await build(t)
  await register(app, 'visible_user')
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.name, 'fastify-jwt-auth-server')
  t.match(body.version, /^\d+\.\d+\.\d+/)
  t.match(body.links, { login: '/auth/login', register: '/auth/register', health: '/health' })
  t.notMatch(res.body, /visible_user/)
})

t.test('GET /health and /ready - should answer while storage answers', async (t) => {
  const app = await build(t)
  t.same((await app.inject('/health')).json(), { status: 'ok' })
  const ready = await app.inject('/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
})

t.test('GET /ready - should answer 503 storage_unavailable when storage does not answer', async (t) => {
  const app = await build(t)
  app.store.ping = async () => { throw new (await import('../../services/errors.js')).StorageUnavailableError(new Error('ECONNREFUSED 10.0.0.1:3306')) }
  const res = await app.inject('/ready')
  t.equal(res.statusCode, 503)
  t.match(res.json(), { statusCode: 503, code: 'storage_unavailable' })
  t.notMatch(res.body, /ECONNREFUSED|10\.0\.0\.1/, 'no driver detail in the reply')
})

t.test('unknown route - should answer 404 JSON', async (t) => {
  const app = await build(t)
  const res = await app.inject('/nope?x=1')
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /application\/json/)
  t.same(res.json(), { statusCode: 404, error: 'Not Found', message: 'Route GET /nope not found', code: 'not_found' })
})

t.test('an unexpected error - should answer 500 without internals', async (t) => {
  const app = await build(t)
  app.users.findById = async () => { throw new Error('secret internal detail at /srv/db.ts:42') }
  const { access_token: token } = await (await import('../helper.js')).registerAndLogin(app)
  const res = await app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 500)
  t.same(res.json(), { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', code: 'internal_error' })
})

t.test('GET / - links the API documentation and the demo page, and every GET link answers', async (t) => {
  const app = await build(t)
  const { links } = (await app.inject('/')).json() as { links: Record<string, string> }
  t.match(links, { docs: '/docs', demo: '/demo/' })
  const getLinks = ['docs', 'demo', 'health', 'ready', 'public']
  for (const name of getLinks) {
    const res = await app.inject(links[name] as string)
    t.ok(res.statusCode < 400, `${name}: GET ${links[name]} answers ${res.statusCode}`)
  }
  t.equal((await app.inject('/demo/')).headers['content-type'], 'text/html; charset=utf-8')
})

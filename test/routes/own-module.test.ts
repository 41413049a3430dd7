import { join } from 'node:path'
import t from 'tap'
import { bearer, build, registerAndLogin } from '../helper.js'

t.test('add your own module - a route folder with its own autohooks.ts is protected and documented, nothing else changed', async (t) => {
  // The README's example (routes/notes/) is mounted at /fixture-map-notes: see test/fixtures/routes/.
  const app = await build(t, { extraRouteDirs: [join(import.meta.dirname, '..', 'fixtures', 'routes')] })
  const user = await registerAndLogin(app)

  t.equal((await app.inject('/fixture-map-notes')).statusCode, 401, 'the folder\'s autohooks.ts guards it')
  t.equal((await app.inject({ method: 'POST', url: '/fixture-map-notes', payload: { text: 'hi' } })).statusCode, 401)
  const added = await app.inject({ method: 'POST', url: '/fixture-map-notes', headers: bearer(user.access_token), payload: { text: 'buy milk' } })
  t.equal(added.statusCode, 201)
  t.same((await app.inject({ url: '/fixture-map-notes', headers: bearer(user.access_token) })).json(), ['buy milk'])
  t.equal((await app.inject({ method: 'POST', url: '/fixture-map-notes', headers: bearer(user.access_token), payload: { text: '' } })).statusCode, 400)
  t.equal((await app.inject({ url: '/protected/hello' })).statusCode, 401, 'the built-in guard is untouched')
  t.equal((await app.inject('/health')).statusCode, 200, 'public routes stay public')

  const doc = (await app.inject('/openapi.json')).json()
  t.match(doc.paths['/fixture-map-notes/'], { get: { summary: 'My notes', security: [{ bearerAuth: [] }] }, post: { summary: 'Add a note' } })
})

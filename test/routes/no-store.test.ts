import type { RouteOptions } from 'fastify'
import t from 'tap'
import { bearer, build, login, register } from '../helper.js'

/** Route folders whose every reply carries credentials or the caller's own data. */
const PERSONAL = /^\/(auth|admin|protected|oauth)\//

t.test('Cache-Control: no-store - on every reply of every route that carries personal data, whatever the status', async (t) => {
  const routes: Array<{ method: string, url: string }> = []
  const app = await build(t, {
    env: { AUDIT_LOG: 'storage' },
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? '' })
    }
  })
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const other = await register(app)
  const personal = routes.filter(({ url }) => PERSONAL.test(url))
  t.ok(personal.length >= 20, `${personal.length} routes checked`)
  for (const { method, url } of personal) {
    // A fresh token per request: /auth/logout and others end the session they are called with.
    const { access_token: token } = await login(app, admin.username)
    const path = url.replace(':id', other.id)
    for (const headers of [bearer(token), {}]) {
      const res = await app.inject({ method: method as 'GET', url: path, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }) })
      t.equal(res.headers['cache-control'], 'no-store', `${method} ${path} ${res.statusCode}${'authorization' in headers ? '' : ' (no token)'}`)
    }
  }
})

t.test('Cache-Control: no-store - a route of a folder guarded by fastify.authenticate (own module) gets it too', async (t) => {
  const app = await build(t, { extraRouteDirs: [new URL('../fixtures/routes', import.meta.url).pathname] })
  const user = await register(app)
  const { access_token: token } = await login(app, user.username)
  const res = await app.inject({ url: '/fixture-map-notes', headers: bearer(token) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.not((await app.inject('/health')).headers['cache-control'], 'no-store', 'public replies stay cacheable')
})

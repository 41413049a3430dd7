import type { RouteOptions } from 'fastify'
import t from 'tap'
import { build } from '../helper.js'

t.test('CORS - the preflight allows every method a registered route uses', async (t) => {
  const routes: Array<{ method: string, url: string }> = []
  const app = await build(t, {
    env: { CORS_ORIGINS: 'https://app.example' },
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? '' })
    }
  })
  const used = [...new Set(routes.map(({ method }) => method).filter((method) => method !== 'OPTIONS'))].sort()
  t.ok(used.includes('PUT'), `the API uses ${used.join(', ')}`)
  for (const method of used) {
    const { url } = routes.find((route) => route.method === method) as { url: string }
    const res = await app.inject({
      method: 'OPTIONS',
      url: url.replace(':id', '00000000-0000-4000-8000-000000000000'),
      headers: { origin: 'https://app.example', 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' }
    })
    t.equal(res.statusCode, 204, `${method} ${url}`)
    const allowed = String(res.headers['access-control-allow-methods']).split(/\s*,\s*/)
    t.ok(allowed.includes(method), `${method} is in Access-Control-Allow-Methods (${allowed.join(', ')})`)
  }
})

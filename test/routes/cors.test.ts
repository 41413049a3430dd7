import t from 'tap'
import { build } from '../helper.js'

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/auth/login',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
})

t.test('CORS unset - should allow any origin, never with credentials', async (t) => {
  const app = await build(t)
  const res = await app.inject(preflight('https://anywhere.example'))
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], '*')
  t.equal(res.headers['access-control-allow-credentials'], undefined)
  t.match(String(res.headers['access-control-allow-headers']), /authorization/i)
  const get = await app.inject({ url: '/health', headers: { origin: 'https://anywhere.example' } })
  t.equal(get.headers['access-control-allow-origin'], '*')
})

t.test('CORS_ORIGINS set - should allow only the listed origins, with credentials', async (t) => {
  const app = await build(t, { env: { CORS_ORIGINS: 'https://app.example,http://localhost:5173' } })
  const listed = await app.inject(preflight('https://app.example'))
  t.equal(listed.headers['access-control-allow-origin'], 'https://app.example')
  t.equal(listed.headers['access-control-allow-credentials'], 'true')
  t.match(String(listed.headers.vary), /origin/i)
  for (const origin of ['https://evil.example', 'https://app.example.evil.example', 'null']) {
    const res = await app.inject(preflight(origin))
    t.equal(res.headers['access-control-allow-origin'], undefined, origin)
    const get = await app.inject({ url: '/health', headers: { origin } })
    t.equal(get.headers['access-control-allow-origin'], undefined, origin)
  }
})

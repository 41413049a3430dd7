import t from 'tap'
import { build } from '../helper.js'

const DOCUMENTS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']
const HOSTILE = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }

/** Every URL a discovery document names. */
const linksOf = (document: Record<string, unknown>) => Object.entries(document)
  .filter(([name]) => name === 'jwks_uri' || name.endsWith('_endpoint'))
  .map(([, value]) => String(value))

t.test('discovery - links come from PUBLIC_URL whatever Host and X-Forwarded-Host say, even behind a trusted proxy', async (t) => {
  const app = await build(t, { env: { PUBLIC_URL: 'https://auth.example.com/', TRUST_PROXY: 'true' } })
  for (const url of DOCUMENTS) {
    const res = await app.inject({ url, headers: HOSTILE })
    t.equal(res.statusCode, 200)
    const links = linksOf(res.json())
    t.equal(links.length, 4, url)
    for (const link of links) t.match(link, /^https:\/\/auth\.example\.com\/(\.well-known|oauth)\//, link)
    t.notOk(res.body.includes('evil'), 'nothing of the hostile headers in the document')
    t.equal(res.headers['cache-control'], 'public, max-age=300', 'the same for everyone, so a shared cache may keep it')
  }
  const jwks = await app.inject({ url: '/.well-known/jwks.json', headers: HOSTILE })
  t.equal(jwks.headers['cache-control'], 'public, max-age=300')
})

t.test('discovery - an https:// JWT_ISSUER is the base when PUBLIC_URL is unset', async (t) => {
  const app = await build(t, { env: { JWT_ISSUER: 'https://issuer.example', TRUST_PROXY: 'true' } })
  const links = linksOf((await app.inject({ url: DOCUMENTS[0] as string, headers: HOSTILE })).json())
  for (const link of links) t.match(link, /^https:\/\/issuer\.example\//, link)
})

t.test('discovery - in development without either, HOST:PORT from the configuration, never the request', async (t) => {
  const app = await build(t, { env: { PORT: '4000', TRUST_PROXY: 'true' } })
  const plain = await app.inject(DOCUMENTS[0] as string)
  const hostile = await app.inject({ url: DOCUMENTS[0] as string, headers: HOSTILE })
  t.equal(hostile.body, plain.body, 'a hostile Host changes nothing')
  t.equal(hostile.json().token_endpoint, 'http://127.0.0.1:4000/oauth/token')
  const anyInterface = await build(t, { env: { HOST: '0.0.0.0', PORT: '4000' } })
  t.equal((await anyInterface.inject(DOCUMENTS[0] as string)).json().token_endpoint, 'http://localhost:4000/oauth/token')
})

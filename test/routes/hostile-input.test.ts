import fc from 'fast-check'
import t from 'tap'
import { build, registerAndLogin } from '../helper.js'

const ROUTES = [
  ['POST', '/auth/register'], ['POST', '/auth/login'], ['POST', '/auth/refresh'], ['POST', '/auth/logout'],
  ['POST', '/auth/logout-all'], ['GET', '/auth/me'], ['GET', '/protected/hello'], ['GET', '/protected/hello2'],
  ['POST', '/protected/echo'], ['POST', '/oauth/token'], ['POST', '/oauth/revoke'], ['POST', '/oauth/introspect'],
  ['GET', '/'], ['GET', '/health'], ['GET', '/ready'], ['GET', '/.well-known/jwks.json']
] as const

/** Routes that hand out tokens or data only for valid credentials: never a 200 for garbage. */
const CREDENTIAL_ROUTES = new Set(['/auth/login', '/auth/refresh', '/auth/logout', '/auth/logout-all', '/auth/me',
  '/protected/hello', '/protected/hello2', '/protected/echo', '/oauth/token', '/oauth/introspect'])

const operator = fc.constantFrom({ $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $in: ['admin'] }, { __proto__: { admin: true } })
const sqlish = fc.constantFrom("' OR '1'='1", "admin'--", '"; DROP TABLE users; --', "1' UNION SELECT password_hash FROM users --", '%00', '\\')
const weirdText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ maxLength: 5000 }),
  fc.constantFrom('\u0000', '\uFEFF', '\u202E', 'e\u0301', '🔑'.repeat(600), 'A'.repeat(70_000)),
  sqlish
)
const leaf = fc.oneof(weirdText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), operator)
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('node'), { maxKeys: 4 }))
})).node
const fieldNames = fc.constantFrom('username', 'password', 'email', 'refresh_token', 'grant_type', 'token', 'message', 'token_type_hint', 'scope')
const body = fc.oneof(
  fc.dictionary(fieldNames, value, { maxKeys: 5 }),
  value,
  fc.constant(deepNesting(2000))
)
const encoded = fc.oneof(
  body.map((b) => ({ contentType: 'application/json', payload: JSON.stringify(b) ?? 'null' })),
  body.map((b) => ({ contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(flatten(b)).toString() })),
  weirdText.map((text) => ({ contentType: 'application/json', payload: `{"username": ${text}` })),
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/json; charset=utf-16', '', 'application/json; boundary=x'), weirdText)
    .map(([contentType, payload]) => ({ contentType, payload }))
)
const authorization = fc.oneof(
  fc.constant(undefined),
  weirdText.map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
  weirdText.map((text) => `Basic ${text}`),
  weirdText.map((text) => `Bearer ${text}`),
  fc.constantFrom('Basic', 'Bearer', 'Bearer a.b.c', 'Basic Og==', 'Negotiate abc', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')
)

function deepNesting (levels: number): unknown {
  let nested: unknown = 'deep'
  for (let i = 0; i < levels; i++) nested = { username: nested }
  return nested
}

function flatten (b: unknown): Record<string, string> {
  if (typeof b !== 'object' || b === null) return { value: String(b) }
  return Object.fromEntries(Object.entries(b).map(([key, v]) => [key, typeof v === 'string' ? v : JSON.stringify(v) ?? '']))
}

t.test('hostile input at every route - never a 5xx, never a crash, never a 200 without valid credentials', async (t) => {
  const app = await build(t, { env: { INTROSPECTION_CLIENTS: 'gw:secret' } })
  await registerAndLogin(app) // a real user exists, so guessing is against a populated store
  let requests = 0
  await fc.assert(fc.asyncProperty(fc.constantFrom(...ROUTES), encoded, authorization, async ([method, url], { contentType, payload }, auth) => {
    const headers: Record<string, string> = {}
    if (contentType !== '') headers['content-type'] = contentType
    if (auth !== undefined) headers.authorization = auth
    const res = await app.inject({ method, url, headers, ...(method === 'POST' ? { payload } : {}) })
    requests++
    if (res.statusCode >= 500) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
    if (CREDENTIAL_ROUTES.has(url) && res.statusCode === 200) throw new Error(`${method} ${url} answered 200 to garbage`)
    if (res.statusCode !== 204) JSON.parse(res.body) // every reply is JSON
  }), { numRuns: 400, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) })
  t.equal(requests >= 400, true, `${requests} hostile requests answered`)
  t.equal((await app.inject('/health')).statusCode, 200, 'the server is still up')
})

import fc from 'fast-check'
import { forgeHs, forgeUnsigned } from '../../forge.js'

/** Generators of hostile request parts for test/routes/hostile-input.test.ts. */

const operator = fc.constantFrom({ $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $in: ['admin'] }, { __proto__: { admin: true } })
const sqlish = fc.constantFrom("' OR '1'='1", "admin'--", '"; DROP TABLE users; --', "1' UNION SELECT password_hash FROM users --", '%00', '\\')
export const weirdText = fc.oneof(
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

/** Field names the routes read, so that a generated body often gets past the schema. */
const fieldNames = fc.constantFrom('username', 'password', 'current_password', 'new_password', 'email', 'refresh_token', 'grant_type',
  'token', 'message', 'token_type_hint', 'scope', 'roles', 'client_id', 'client_secret')
const body = fc.oneof(
  fc.dictionary(fieldNames, value, { maxKeys: 5 }),
  fc.dictionary(fieldNames, weirdText, { maxKeys: 4 }),
  value,
  fc.constant(deepNesting(2000))
)

export interface EncodedBody { contentType: string, payload: string }

export const encodedBody: fc.Arbitrary<EncodedBody> = fc.oneof(
  body.map((b) => ({ contentType: 'application/json', payload: JSON.stringify(b) ?? 'null' })),
  body.map((b) => ({ contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(flatten(b)).toString() })),
  weirdText.map((text) => ({ contentType: 'application/json', payload: `{"username": ${text}` })),
  fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/json; charset=utf-16', '', 'application/json; boundary=x'), weirdText)
    .map(([contentType, payload]) => ({ contentType, payload }))
)

/** An object with exactly the fields a route's schema names, each holding something hostile. */
function shapedLike (fields: string[]) {
  const hostile = fc.oneof({ weight: 3, arbitrary: weirdText }, { weight: 1, arbitrary: value })
  return fc.record(Object.fromEntries(fields.map((name) => [name, hostile])), { requiredKeys: fields })
}

/** Hostile bodies, most of them shaped like the route's body schema when it has one. */
export function bodyFor (fields: string[]): fc.Arbitrary<EncodedBody> {
  if (fields.length === 0) return encodedBody
  const shaped = shapedLike(fields)
  return fc.oneof(
    { weight: 2, arbitrary: shaped.map((b) => ({ contentType: 'application/json', payload: JSON.stringify(b) })) },
    { weight: 1, arbitrary: shaped.map((b) => ({ contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(flatten(b)).toString() })) },
    { weight: 1, arbitrary: encodedBody }
  )
}

/** Hostile query strings, some naming the route's own querystring fields. */
export function queryFor (fields: string[]): fc.Arbitrary<string> {
  if (fields.length === 0) return queryString
  return fc.oneof(queryString, shapedLike(fields).map((query) => `?${new URLSearchParams(flatten(query)).toString()}`))
}

/** A path segment: encoded garbage, traversal, broken percent-encoding, or a real id (`known`). */
export function pathSegment (known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    weirdText.map((text) => encodeURIComponent(text.slice(0, 300))),
    fc.constantFrom('..%2F..%2Fpackage.json', '..%2F..%2F.env', '%2e%2e', '..', '.', '%00', '%', '%E0%A4%A', '%C0%AF', 'a%2Fb', '0', '-1', '1e309', '%24ne'),
    ...(known.length > 0 ? [fc.constantFrom(...known)] : [])
  )
}

export const queryString = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.constantFrom('limit', 'before', 'user_id', 'username', 'q', 'role', 'after'), weirdText, { maxKeys: 3 })
    .map((query) => `?${new URLSearchParams(query).toString()}`),
  fc.constantFrom('?user_id[$ne]=x', '?limit=-1', '?limit=1e309', '?limit=99999999999999999999', '?before=..%2F..', '?%', '?a=%E0%A4%A', '?__proto__[admin]=1')
)

/** An Authorization header that proves nothing: absent, garbage, forged, or of the wrong kind. */
export function hostileAuthorization (secret: string, wrongKind: string[]): fc.Arbitrary<string | undefined> {
  const claims = { sub: 'x', sid: 'x', jti: 'x', typ: 'access', iat: 0, exp: 4102444800, roles: ['admin'] }
  return fc.oneof(
    fc.constant(undefined),
    weirdText.map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
    weirdText.map((text) => `Basic ${text}`),
    weirdText.map((text) => `Bearer ${text}`),
    fc.constantFrom('Basic', 'Bearer', 'Bearer a.b.c', 'Basic Og==', 'Negotiate abc', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
      `Bearer ${forgeUnsigned(claims)}`,
      `Bearer ${forgeHs({ alg: 'HS256', typ: 'JWT' }, claims, 'not the server secret, but long enough to look like one')}`,
      `Bearer ${forgeHs({ alg: 'HS512', typ: 'JWT' }, claims, secret, 'sha512')}`,
      ...wrongKind.map((token) => `Bearer ${token}`))
  )
}

function deepNesting (levels: number): unknown {
  let nested: unknown = 'deep'
  for (let i = 0; i < levels; i++) nested = { username: nested }
  return nested
}

function flatten (b: unknown): Record<string, string> {
  if (typeof b !== 'object' || b === null) return { value: String(b) }
  return Object.fromEntries(Object.entries(b).map(([key, v]) => [key, typeof v === 'string' ? v : JSON.stringify(v) ?? '']))
}

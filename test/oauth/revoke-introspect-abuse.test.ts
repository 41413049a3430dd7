import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { basic, build, registerAndLogin } from '../helper.js'

const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => ({
  method: 'POST' as const,
  url,
  remoteAddress,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  payload: new URLSearchParams(fields).toString()
})

/** Counts the storage writes a revocation makes. */
function countRevocationWrites (app: FastifyInstance) {
  const counts = { recordRevocations: 0, revokeSession: 0 }
  const { store } = app
  const recordRevocations = store.recordRevocations.bind(store)
  const revokeSession = store.revokeSession.bind(store)
  store.recordRevocations = async (...args) => { counts.recordRevocations++; return recordRevocations(...args) }
  store.revokeSession = async (...args) => { counts.revokeSession++; return revokeSession(...args) }
  return counts
}

async function auditEvents (app: FastifyInstance) {
  await app.auditTrail?.flush()
  return (await app.auditTrail?.list({ limit: 1000 }) ?? []).map((record) => record.event)
}

t.test('POST /oauth/revoke - an ended session, an unknown or a replayed token writes no audit event and no storage row', async (t) => {
  const app = await build(t, { env: { AUDIT_LOG: 'storage' } })
  const user = await registerAndLogin(app)
  const writes = countRevocationWrites(app)
  const revoke = (token: string) => app.inject(form('/oauth/revoke', { token }))

  t.equal((await revoke(user.refresh_token)).statusCode, 200)
  t.same(writes, { recordRevocations: 1, revokeSession: 1 }, 'the live session is revoked once')
  const afterFirst = await auditEvents(app)
  t.equal(afterFirst.filter((event) => event === 'token_revoked').length, 1)

  for (const token of [user.refresh_token, user.access_token, 'not-a-token-of-ours', `${user.access_token.slice(0, -2)}xx`]) {
    t.equal((await revoke(token)).statusCode, 200, 'RFC 7009: 200 whatever the token')
  }
  t.same(writes, { recordRevocations: 1, revokeSession: 1 }, 'no more storage writes')
  t.same(await auditEvents(app), afterFirst, 'no more audit events')
})

t.test('POST /oauth/revoke - an access token of an expired session writes nothing', async (t) => {
  let now = Date.now()
  const app = await build(t, { env: { AUDIT_LOG: 'storage', REFRESH_TOKEN_TTL: '60', ACCESS_TOKEN_TTL: '900' }, now: () => now })
  const user = await registerAndLogin(app)
  now += 61_000
  const writes = countRevocationWrites(app)
  t.equal((await app.inject(form('/oauth/revoke', { token: user.access_token }))).statusCode, 200)
  t.same(writes, { recordRevocations: 0, revokeSession: 0 })
  t.notOk((await auditEvents(app)).includes('token_revoked'))
})

t.test('POST /oauth/revoke - rate-limited per IP (the /auth/refresh budget: 3 x RATE_LIMIT_AUTH_MAX)', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '2' } })
  const codes = []
  for (let i = 0; i < 7; i++) codes.push((await app.inject(form('/oauth/revoke', { token: `unknown-${i}` }))).statusCode)
  t.same(codes, [200, 200, 200, 200, 200, 200, 429])
  const limited = await app.inject(form('/oauth/revoke', { token: 'x' }))
  t.match(limited.json(), { error: 'rate_limited' })
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal((await app.inject(form('/oauth/revoke', { token: 'x' }, {}, '10.0.0.9'))).statusCode, 200, 'another IP has its own budget')
})

t.test('POST /oauth/introspect - failed client authentications are limited per IP and per client id', async (t) => {
  const secret = 'gateway-secret-of-at-least-32-characters'
  const app = await build(t, { env: { INTROSPECTION_CLIENTS: `gateway:${secret}`, INTROSPECTION_MAX_FAILURES: '3' } })
  const introspect = (clientId: string, clientSecret: string, ip: string) =>
    app.inject(form('/oauth/introspect', { token: 'x' }, basic(clientId, clientSecret), ip))

  const fromOneIp = []
  for (let i = 0; i < 4; i++) fromOneIp.push((await introspect(`unknown-${i}`, 'guess', '198.51.100.1')).statusCode)
  t.same(fromOneIp, [401, 401, 401, 429], 'per IP, whatever client id it names')
  const limited = await introspect('gateway', secret, '198.51.100.1')
  t.equal(limited.statusCode, 429, 'even the right secret, from that IP, until the window ends')
  t.match(limited.json(), { error: 'rate_limited' })
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal((await app.inject(form('/oauth/introspect', { token: 'x' }, {}, '198.51.100.1'))).statusCode, 429, 'no credentials at all: refused too')

  // Guesses at the gateway's secret from many addresses: the client id's own budget.
  const spread = []
  for (let i = 0; i < 5; i++) spread.push((await introspect('gateway', `guess-${i}`, `203.0.113.${i}`)).statusCode)
  t.same(spread, [401, 401, 401, 401, 401], 'each new address is checked once')
  t.equal((await introspect('gateway', secret, '203.0.113.1')).statusCode, 429, 'an address that failed for the client is refused')
  t.equal((await introspect('gateway', secret, '192.0.2.50')).statusCode, 200, 'the resource server, which never failed, keeps introspecting')
})

t.test('POST /oauth/introspect - INTROSPECTION_MAX_FAILURES=0 turns the limit off', async (t) => {
  const app = await build(t, { env: { INTROSPECTION_CLIENTS: 'gateway:gateway-secret', INTROSPECTION_MAX_FAILURES: '0' } })
  for (let i = 0; i < 15; i++) {
    t.equal((await app.inject(form('/oauth/introspect', { token: 'x' }, basic('gateway', 'wrong')))).statusCode, 401)
  }
})

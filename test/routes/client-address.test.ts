import t from 'tap'
import { trustworthyForwardedFor } from '../../plugins/client-address.js'
import { bearer, build, PASSWORD, uniqueName } from '../helper.js'

const INVALID = ['garbage', '1.2.3.4:80', '[::1]', '1.2.3.4, garbage', '', '999.1.1.1', 'unknown', `fe80::1%${'a'.repeat(100)}`, 'fe80::1%eth0']

t.test('trustworthyForwardedFor - keeps only what lies right of the rightmost invalid entry', async (t) => {
  t.equal(trustworthyForwardedFor('198.51.100.1, 10.0.0.2'), null, 'all valid: unchanged')
  t.equal(trustworthyForwardedFor('2001:db8::1'), null)
  t.equal(trustworthyForwardedFor('garbage'), '')
  t.equal(trustworthyForwardedFor('1.2.3.4:80'), '')
  t.equal(trustworthyForwardedFor('[::1]'), '')
  t.equal(trustworthyForwardedFor('198.51.100.1, garbage, 10.0.0.2'), '10.0.0.2', 'what the hop after the bad one wrote')
  t.equal(trustworthyForwardedFor('garbage, 198.51.100.1'), '198.51.100.1')
  t.equal(trustworthyForwardedFor(`fe80::1%${'z'.repeat(100)}`), '', 'a zone ID (Node accepts any length) is not a client address')
  t.equal(trustworthyForwardedFor('::ffff:255.255.255.255, 0000:0000:0000:0000:0000:ffff:255.255.255.255'), null, 'the longest IPv6 forms are fine')
})

for (const trustProxy of ['true', '127.0.0.1']) {
  t.test(`TRUST_PROXY=${trustProxy} - an X-Forwarded-For that is not an IP falls back to the socket address: never stored, never a 500`, async (t) => {
    const app = await build(t, { env: { TRUST_PROXY: trustProxy, AUDIT_LOG: 'storage' } })
    for (const forwardedFor of INVALID) {
      const username = uniqueName('xff')
      const headers = { 'x-forwarded-for': forwardedFor }
      const registered = await app.inject({ method: 'POST', url: '/auth/register', headers, payload: { username, password: PASSWORD } })
      t.equal(registered.statusCode, 201, `register with ${JSON.stringify(forwardedFor)}`)
      const failed = await app.inject({ method: 'POST', url: '/auth/login', headers, payload: { username, password: 'not the password at all' } })
      t.equal(failed.statusCode, 401, `failed login with ${JSON.stringify(forwardedFor)}`)
      const login = await app.inject({ method: 'POST', url: '/auth/login', headers, payload: { username, password: PASSWORD } })
      t.equal(login.statusCode, 200, `login with ${JSON.stringify(forwardedFor)}`)
      const listed = await app.inject({ url: '/auth/sessions', headers: { ...headers, ...bearer(login.json().access_token) } })
      t.equal(listed.statusCode, 200)
      t.same(listed.json().sessions.map((session: { ip: string }) => session.ip), ['127.0.0.1'], `the session stores the socket address, not ${JSON.stringify(forwardedFor)}`)
    }
    await app.auditTrail?.flush()
    const events = await app.auditTrail?.list({ limit: 1000 }) ?? []
    const ips = events.map((event) => (JSON.parse(event.data) as { ip?: string }).ip).filter((ip) => ip !== undefined)
    t.ok(ips.length >= INVALID.length * 2, `login events carry an address (${ips.length})`)
    t.same([...new Set(ips)], ['127.0.0.1'], 'the audit trail holds only the socket address')
  })
}

t.test('TRUST_PROXY - a valid forwarded address is still the client address', async (t) => {
  const app = await build(t, { env: { TRUST_PROXY: '127.0.0.1' } })
  const username = uniqueName('xff')
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'x-forwarded-for': 'garbage, 198.51.100.7' }, payload: { username, password: PASSWORD } })
  const listed = await app.inject({ url: '/auth/sessions', headers: bearer(login.json().access_token) })
  t.same(listed.json().sessions.map((session: { ip: string }) => session.ip), ['198.51.100.7'])
})

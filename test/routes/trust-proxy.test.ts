import t from 'tap'
import { ConfigError, loadConfig } from '../../services/config.js'
import { build } from '../helper.js'

const attempt = (app: Awaited<ReturnType<typeof build>>, forwardedFor: string) => app.inject({
  method: 'POST',
  url: '/auth/login',
  headers: { 'x-forwarded-for': forwardedFor },
  payload: { username: `nobody_${forwardedFor}`, password: 'wrong password' }
})

t.test('TRUST_PROXY unset - X-Forwarded-For is not believed: a client cannot pick a fresh address per request', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '1' } })
  t.equal((await attempt(app, '198.51.100.1')).statusCode, 401)
  t.equal((await attempt(app, '198.51.100.2')).statusCode, 429, 'both counted for the TCP peer')
})

t.test('TRUST_PROXY set to the proxy - limits count the forwarded client address', async (t) => {
  const app = await build(t, { env: { RATE_LIMIT_AUTH_MAX: '1', TRUST_PROXY: '127.0.0.1' } })
  t.equal((await attempt(app, '198.51.100.1')).statusCode, 401)
  t.equal((await attempt(app, '198.51.100.2')).statusCode, 401, 'another client behind the same proxy has its own budget')
  t.equal((await attempt(app, '198.51.100.1')).statusCode, 429, 'the first client has spent its budget')
  const spoofed = await app.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress: '203.0.113.9',
    headers: { 'x-forwarded-for': '198.51.100.7' },
    payload: { username: 'nobody_direct', password: 'wrong password' }
  })
  t.equal(spoofed.statusCode, 401)
  t.equal((await app.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress: '203.0.113.9',
    headers: { 'x-forwarded-for': '198.51.100.8' },
    payload: { username: 'nobody_direct', password: 'wrong password' }
  })).statusCode, 429, 'a peer that is not the trusted proxy is counted by its own address, whatever it forwards')
})

t.test('TRUST_PROXY - a value that is neither true/false nor addresses stops start-up naming the variable', async (t) => {
  t.throws(() => loadConfig({ TRUST_PROXY: 'everyone; drop' }), ConfigError)
  t.throws(() => loadConfig({ TRUST_PROXY: 'everyone; drop' }), /TRUST_PROXY/)
  t.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY, '10.0.0.0/8, 127.0.0.1')
})

import t from 'tap'
import { bearer, build, PASSWORD, register } from '../helper.js'
import { forEachAdapter } from './databases.js'

// Node's isIP accepts an IPv6 zone ID of any length: such an X-Forwarded-For reached the sessions'
// ip column (VARCHAR(64) on MySQL) before it was refused as a client address.
forEachAdapter(t, async (t, database) => {
  const app = await build(t, { env: { STORAGE_URL: database.url, TRUST_PROXY: 'true', AUDIT_LOG: 'storage' } })
  const user = await register(app)
  for (const forwardedFor of [`fe80::1%${'a'.repeat(200)}`, 'garbage', '1.2.3.4:80']) {
    const login = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'x-forwarded-for': forwardedFor }, payload: { username: user.username, password: PASSWORD } })
    t.equal(login.statusCode, 200, `${database.kind}: login with X-Forwarded-For ${forwardedFor.slice(0, 20)}`)
  }
  const listed = await app.inject({ url: '/auth/sessions', headers: { ...bearer((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })).json().access_token) } })
  t.same([...new Set(listed.json().sessions.map((session: { ip: string }) => session.ip))], ['127.0.0.1'], 'only the socket address was stored')
})

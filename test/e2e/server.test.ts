import t from 'tap'
import { buildDist, runToExit, startServer } from './server-process.js'

const PASSWORD = 'an end-to-end: password'

t.before(buildDist)

t.test('the real server process - should serve the whole flow over HTTP and stop on SIGTERM', async (t) => {
  const server = await startServer()
  t.teardown(() => server.stop('SIGKILL'))
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init)
  const json = { 'content-type': 'application/json' }
  const username = `e2e_${process.pid}`

  t.equal((await call('/health')).status, 200)
  const registered = await call('/auth/register', { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
  t.equal(registered.status, 201)
  const login = await call('/auth/login', { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${username}:${PASSWORD}`).toString('base64')}` } })
  t.equal(login.status, 200)
  t.equal(login.headers.get('cache-control'), 'no-store')
  const pair = await login.json() as { access_token: string, refresh_token: string }
  const hello = await call('/protected/hello', { headers: { authorization: `Bearer ${pair.access_token}` } })
  t.equal(hello.status, 200)
  const refreshed = await call('/auth/refresh', { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: pair.refresh_token }) })
  t.equal(refreshed.status, 200)
  const next = await refreshed.json() as { access_token: string }
  t.equal((await call('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${next.access_token}` } })).status, 204)
  const after = await call('/protected/hello', { headers: { authorization: `Bearer ${next.access_token}` } })
  t.equal(after.status, 401)
  t.equal(after.headers.get('www-authenticate'), 'Bearer realm="api", error="invalid_token"')
  t.equal((await call('/nope')).status, 404)
  const hugeHeader = await call('/auth/login', { method: 'POST', headers: { 'x-padding': 'a'.repeat(20 * 1024) } })
  t.equal(hugeHeader.status, 431, 'headers over 16 KiB are refused before any route runs')

  t.match(server.logLines.join('\n'), /JWT_SECRET is not set/, 'warns about the generated secret')
  t.equal(await server.stop('SIGTERM'), 0, 'exits cleanly on SIGTERM')
  t.notMatch(server.logLines.join('\n'), new RegExp(`${PASSWORD}|${pair.refresh_token}`), 'no secret in the process output')
})

t.test('the real server process - should refuse to start on a bad environment, naming the variable', async (t) => {
  const badPort = await runToExit({ PORT: 'eighty' })
  t.equal(badPort.code, 1)
  t.match(badPort.output, /PORT/)
  const production = await runToExit({ NODE_ENV: 'production' })
  t.equal(production.code, 1)
  t.match(production.output, /JWT_SECRET/)
  const storage = await runToExit({ STORAGE_URL: 'redis://127.0.0.1' })
  t.equal(storage.code, 1)
  t.match(storage.output, /STORAGE_URL/)
})

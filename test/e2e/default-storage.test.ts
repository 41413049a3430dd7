import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildDist, startServer } from './server-process.js'

const PASSWORD = 'a default-storage: password'
const json = { 'content-type': 'application/json' }

t.before(buildDist)

/** A folder as a fresh clone would be: no data/, no .env. */
function freshFolder (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-default-storage-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('npm start defaults - a user registered before a restart logs in after it (SQLite file in data/)', async (t) => {
  const cwd = freshFolder(t)
  // An empty STORAGE_URL is unset: the server's own default.
  const first = await startServer({ STORAGE_URL: '' }, { cwd })
  t.teardown(() => first.stop('SIGKILL'))
  const username = `restart_${process.pid}`
  const registered = await fetch(`${first.url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
  t.equal(registered.status, 201)
  const login = await fetch(`${first.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
  const { access_token: accessToken, refresh_token: refreshToken } = await login.json() as { access_token: string, refresh_token: string }
  const database = join(cwd, 'data', 'auth.db')
  t.match(first.logLines.join('\n'), new RegExp(`"target":"sqlite://${database.replace(/[.]/g, '\\.')}".*storage ready|storage ready.*"target":"sqlite://${database.replace(/[.]/g, '\\.')}"`), 'the log says where the data lives')
  t.notMatch(first.logLines.join('\n'), /nothing survives a restart/)
  t.equal(await first.stop('SIGTERM'), 0)
  t.ok(existsSync(database), 'data/auth.db was created')

  const second = await startServer({ STORAGE_URL: '' }, { cwd })
  t.teardown(() => second.stop('SIGKILL'))
  const again = await fetch(`${second.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password: PASSWORD }) })
  t.equal(again.status, 200, 'the user survived the restart')
  const me = await fetch(`${second.url}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(me.status, 200, 'so did the access token (the local secret in data/ and the session)')
  const refreshed = await fetch(`${second.url}/auth/refresh`, { method: 'POST', headers: json, body: JSON.stringify({ refresh_token: refreshToken }) })
  t.equal(refreshed.status, 200, 'and the session')
  t.equal(await second.stop('SIGTERM'), 0)
})

t.test('memory:// - the log says plainly that nothing survives a restart', async (t) => {
  const server = await startServer({ STORAGE_URL: 'memory://' }, { cwd: freshFolder(t) })
  t.teardown(() => server.stop('SIGKILL'))
  t.match(server.logLines.join('\n'), /storage: in memory, inside this process: nothing survives a restart/)
  t.equal(await server.stop('SIGTERM'), 0)
})

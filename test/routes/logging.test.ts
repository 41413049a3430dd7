import t from 'tap'
import { basic, bearer, build, PASSWORD, TEST_SECRET, uniqueName } from '../helper.js'

t.test('logs - should never contain passwords, tokens, the secret or the Authorization header', async (t) => {
  const logLines: string[] = []
  const app = await build(t, { logLines })
  const username = uniqueName()
  await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(username, PASSWORD) })
  const pair = login.json()
  await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'wrong password here' } })
  await app.inject({ url: '/protected/hello', headers: bearer(pair.access_token) })
  const refreshed = (await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })).json()
  await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(refreshed.access_token) })
  app.log.info({ req: { headers: { authorization: 'Bearer leaked' } }, body: { password: 'leaked', refresh_token: 'leaked' } }, 'redaction probe')

  const log = logLines.join('')
  t.ok(logLines.length > 10, `the flow was logged (${logLines.length} lines)`)
  t.match(log, /incoming request/)
  t.match(log, /redaction probe/)
  const secrets = [PASSWORD, 'wrong password here', TEST_SECRET, pair.access_token, pair.refresh_token,
    refreshed.access_token, refreshed.refresh_token, basic(username, PASSWORD).authorization.split(' ')[1] as string, 'leaked']
  for (const secret of secrets) t.notOk(log.includes(secret), `not logged: ${secret.slice(0, 12)}...`)
})

import t from 'tap'
import { basic, build, register } from '../helper.js'
import { forEachAdapter } from './databases.js'

const SQL_INJECTION = '\' OR 1=1 --'
const OPERATOR = { $ne: null }

/** SQL and MongoDB operator injection through every credential field is inert. */
forEachAdapter(t, async (t, database) => {
  const app = await build(t, { env: { STORAGE_URL: database.url } })
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> })
  const victim = await register(app, 'victim_user')
  const quoted = await register(app, 'quoted_password', SQL_INJECTION)

  t.test('register - should refuse injection usernames and operator objects with 400', async (t) => {
    for (const username of [SQL_INJECTION, 'admin\'--', 'x"; DROP TABLE users; --', OPERATOR, { $gt: '' }]) {
      const res = await post('/auth/register', { username, password: 'long enough password' })
      t.equal(res.statusCode, 400, JSON.stringify(username))
    }
    t.equal((await post('/auth/register', { username: 'operator_password', password: OPERATOR })).statusCode, 400)
  })

  t.test('login - should refuse operator objects with 400 and injection strings with 401', async (t) => {
    t.equal((await post('/auth/login', { username: OPERATOR, password: OPERATOR })).statusCode, 400)
    t.equal((await post('/auth/login', { username: victim.username, password: OPERATOR })).statusCode, 400)
    for (const [username, password] of [
      [SQL_INJECTION, SQL_INJECTION],
      [`${victim.username}' --`, 'anything at all'],
      ['{"$ne": null}', '{"$ne": null}'],
      [victim.username, '\' OR \'1\'=\'1']
    ] as const) {
      const res = await post('/auth/login', { username, password })
      t.equal(res.statusCode, 401, `${username} / ${password}`)
      t.equal(res.json().code, 'invalid_credentials')
    }
    const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(SQL_INJECTION, SQL_INJECTION) })
    t.equal(viaBasic.statusCode, 401)
  })

  t.test('login - should treat an injection string as an ordinary password', async (t) => {
    t.equal((await post('/auth/login', { username: quoted.username, password: SQL_INJECTION })).statusCode, 200)
    t.equal((await post('/auth/login', { username: quoted.username, password: `${SQL_INJECTION} ` })).statusCode, 401)
  })

  t.test('refresh - should refuse operator objects with 400 and injection strings with 401', async (t) => {
    t.equal((await post('/auth/refresh', { refresh_token: OPERATOR })).statusCode, 400)
    for (const token of [SQL_INJECTION, '{"$ne": null}', '%', '*']) {
      t.equal((await post('/auth/refresh', { refresh_token: token })).json().code, 'invalid_refresh_token', token)
    }
  })

  t.test('storage - should still hold exactly the users registered, unharmed', async (t) => {
    const { users = [] } = await database.dump()
    t.same(users.map((row) => row.username).sort(), ['quoted_password', 'victim_user'])
  })
})

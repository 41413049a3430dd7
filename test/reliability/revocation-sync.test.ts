import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import mysql from 'mysql2/promise'
import t from 'tap'
import { bearer, build, registerAndLogin } from '../helper.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'

const INTERVAL_MS = 100
const REQUESTS = 500

/** Counts the storage reads of the revocation view: the store object is shared, its method replaced. */
function countSyncQueries (app: FastifyInstance): { readonly count: number } {
  const store = app.store as unknown as Record<string, unknown>
  const original = app.store.listRevocationsAfter.bind(app.store)
  let count = 0
  store.listRevocationsAfter = (cursor: number, now: Date) => { count += 1; return original(cursor, now) }
  return { get count () { return count } }
}

t.test('revocation sync - should cost one storage query per interval, none per request', async (t) => {
  const app = await build(t, { env: { REVOCATION_SYNC_INTERVAL_MS: String(INTERVAL_MS) } })
  const user = await registerAndLogin(app)
  const queries = countSyncQueries(app)

  app.revocations.stop()
  const ended = await registerAndLogin(app)
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(ended.access_token) })).statusCode, 204)
  const statuses = new Set<string>()
  for (let i = 0; i < REQUESTS; i++) {
    const token = i % 2 === 0 ? user.access_token : ended.access_token
    statuses.add(`${i % 2 === 0 ? 'live' : 'ended'} ${(await app.inject({ url: '/protected/hello', headers: bearer(token) })).statusCode}`)
  }
  t.same([...statuses].sort(), ['ended 401', 'live 200'], 'the logout holds without any sync')
  t.equal(queries.count, 0, `${REQUESTS} protected requests and a logout made no revocation query`)

  const started = performance.now()
  app.revocations.start()
  // Under load: the same requests keep coming while the timer runs.
  for (let i = 0; i < REQUESTS; i++) await app.inject({ url: '/protected/hello', headers: bearer(user.access_token) })
  await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS))
  const elapsed = performance.now() - started
  app.revocations.stop()
  t.ok(queries.count >= 1, 'the timer syncs')
  t.ok(queries.count <= Math.floor(elapsed / INTERVAL_MS) + 1, `at most one query per interval: ${queries.count} in ${Math.round(elapsed)} ms`)
})

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const database = await freshMysqlDatabase(t, serverUrl)

  t.test('MySQL - should read new revocations through the seq index, not a table scan', async (t) => {
    const app = await build(t, { env: { STORAGE_URL: database.url } })
    const old = new Date(Date.now() - 3600_000)
    const expires = new Date(Date.now() + 3600_000)
    await app.store.recordRevocations(Array.from({ length: 2000 }, (_, i) => ({
      sessionId: `old-${i}`, userId: 'someone', revokedAt: new Date(old.getTime() + i), expiresAt: expires
    })))
    const connection = await mysql.createConnection({ uri: database.url, timezone: 'Z' })
    t.teardown(() => connection.end())
    await connection.query('ANALYZE TABLE revocations')
    const [plan] = await connection.query<mysql.RowDataPacket[]>(
      'EXPLAIN SELECT seq, session_id, user_id, revoked_at, expires_at FROM revocations WHERE seq > ? ORDER BY seq', [1990])
    t.comment(JSON.stringify(plan))
    t.equal(plan[0]?.key, 'revocations_seq', 'the seq index')
    t.equal(plan[0]?.type, 'range', 'a range read of the rows after the cursor only')
  })
})

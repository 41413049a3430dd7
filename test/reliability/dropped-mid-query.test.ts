import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance, InjectOptions } from 'fastify'
import t, { type Test } from 'tap'
import { forEachAdapter } from '../adapters/databases.js'
import { bearer, build, login, PASSWORD, registerAndLogin, uniqueName, type Pair } from '../helper.js'
import { pollUntil } from './client.js'
import { startFaultProxy } from './fault-proxy.js'

const TIMEOUT_MS = 1000
/** Room for a loaded machine. */
const MARGIN_MS = 1000
const SESSIONS = 8
const SYNC_INTERVAL_MS = 100
const RECOVERY_POLLS = 50
const POLL_INTERVAL_MS = 100

/** Every unhandled rejection and uncaught exception of this process while the test runs. */
function watchProcess (t: Test): unknown[] {
  const seen: unknown[] = []
  const record = (error: unknown) => { seen.push(error) }
  process.on('unhandledRejection', record)
  process.on('uncaughtException', record)
  t.teardown(() => { process.off('unhandledRejection', record); process.off('uncaughtException', record) })
  return seen
}

async function timed (app: FastifyInstance, request: InjectOptions) {
  const res = await app.inject(request)
  return { name: `${request.method ?? 'GET'} ${String(request.url)}`, status: res.statusCode, code: (res.json() as { code?: string }).code, doneAt: performance.now(), res }
}

/**
 * The database connections are reset while queries are on the wire, and stay refused for a while.
 * Each request in flight answers its normal reply or 503 storage_unavailable within the timeout;
 * during the outage valid tokens still pass, revoked ones stay refused and /ready is 503; when the
 * database is back the same app recovers by itself; nothing escapes as an unhandled rejection.
 */
forEachAdapter(t, async (t, database) => {
  t.test('dropped mid-query - should answer 503 or the normal reply, keep revocations, recover, and leak no rejection', async (t) => {
    const escaped = watchProcess(t)
    const proxy = await startFaultProxy(database.url)
    t.teardown(() => proxy.close())
    const logLines: string[] = []
    const app = await build(t, { logLines, env: { STORAGE_URL: proxy.url(database.url), STORAGE_TIMEOUT_MS: String(TIMEOUT_MS), REVOCATION_SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS) } })
    const user = await registerAndLogin(app)
    const revoked = await login(app, user.username)
    t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(revoked.access_token) })).statusCode, 204)
    const sessions: Pair[] = []
    for (let i = 0; i < SESSIONS; i++) sessions.push(await login(app, user.username))
    const newcomers = Array.from({ length: SESSIONS }, () => uniqueName('drop'))

    const onTheWire = proxy.nextQuery()
    const inFlight = Promise.all([
      ...sessions.map((pair) => timed(app, { method: 'POST', url: '/auth/refresh', payload: { refresh_token: pair.refresh_token } })),
      ...sessions.map((pair) => timed(app, { method: 'GET', url: '/auth/me', headers: bearer(pair.access_token) })),
      ...newcomers.map((username) => timed(app, { method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } }))
    ])
    await onTheWire
    const droppedAt = performance.now()
    const dropped = await proxy.drop()
    t.comment(`${database.kind}: reset ${dropped} connection(s) with a query in flight`)
    t.ok(dropped >= 1, 'at least one query was in flight when the connections were reset')

    const replies = await inFlight
    for (const reply of replies) {
      // Any other answer fails with what the server logged at error level, to say which error was not mapped.
      const loggedErrors = reply.status >= 500 && reply.status !== 503 ? logLines.filter((line) => line.includes('"level":50')) : []
      t.ok([200, 201, 503].includes(reply.status), `${reply.name}: ${reply.status}${reply.code === undefined ? '' : ` ${reply.code}`}`, loggedErrors.length > 0 ? { loggedErrors } : {})
      if (reply.status === 503) t.equal(reply.code, 'storage_unavailable')
      // Registrations hash first (argon2, CPU-bound on a busy machine): only storage-bound requests are timed.
      if (reply.name.includes('register')) continue
      const sinceDrop = reply.doneAt - droppedAt
      t.ok(sinceDrop < TIMEOUT_MS + MARGIN_MS, `${reply.name} answered within STORAGE_TIMEOUT_MS (+ margin) of the drop: ${Math.round(sinceDrop)} ms`)
    }
    t.comment(`${database.kind}: ${replies.filter((reply) => reply.status === 503).length} of ${replies.length} in-flight requests answered 503`)

    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(user.access_token) })).statusCode, 200, 'a valid access token needs no storage')
    const failedSyncs = () => logLines.filter((line) => line.includes('revocation sync failed')).length
    const before = failedSyncs()
    t.not(await pollUntil(async () => failedSyncs() > before, TIMEOUT_MS + SYNC_INTERVAL_MS + MARGIN_MS), null, 'a revocation sync failed during the outage')
    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(revoked.access_token) })).statusCode, 401, 'a revoked token stays refused')
    t.equal((await app.inject('/ready')).statusCode, 503, '/ready says 503 during the outage')

    await proxy.restore()
    const restoredAt = performance.now()
    let polls = 0
    while ((await app.inject('/ready')).statusCode !== 200 && ++polls < RECOVERY_POLLS) await delay(POLL_INTERVAL_MS)
    t.comment(`${database.kind}: ready ${Math.round(performance.now() - restoredAt)} ms after the restore`)
    t.ok(polls < RECOVERY_POLLS, `the same app recovers within ${RECOVERY_POLLS * POLL_INTERVAL_MS} ms`)

    for (const [i, username] of newcomers.entries()) {
      const answered = replies[2 * SESSIONS + i]?.status
      // A 503 register may still have committed before the reset: it is then taken (409), never half there.
      if (answered === 503) {
        const retried = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD } })
        t.ok([201, 409].includes(retried.statusCode), `${username} is registered now or was already: ${retried.statusCode}`)
      }
      t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })).statusCode, 200, `${username} logs in`)
    }
    for (const [i, pair] of sessions.entries()) {
      const answer = replies[i]
      const token = answer?.status === 200 ? (answer.res.json() as Pair).refresh_token : pair.refresh_token
      const again = await timed(app, { method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
      // Its newest known token works, unless a rotation committed just before the reset and its reply was lost.
      t.ok(again.status === 200 || (answer?.status === 503 && again.code === 'refresh_token_superseded'), `session ${i}: ${again.status} ${again.code ?? ''}`)
    }
    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(revoked.access_token) })).statusCode, 401, 'still refused after the recovery')
    t.same(escaped, [], 'no unhandled rejection or uncaught exception')
  })
}, { networked: true })

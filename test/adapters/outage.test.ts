import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { bearer, build, PASSWORD, registerAndLogin, uniqueName } from '../helper.js'
import { forEachAdapter } from './databases.js'
import { startTcpProxy } from './tcp-proxy.js'

const TIMEOUT_MS = 1000
/**
 * Room for the work around the storage call: register hashes with argon2id before its insert,
 * which took up to 1.4 s on a 2-core machine running two test files at once (measured: 2381 ms
 * in all for a register against a hung database). The bound still tells a timeout from a hang.
 */
const MARGIN_MS = 2000
/** How many times to ask /ready after the database is back, before giving up. */
const RECOVERY_POLLS = 50
const POLL_INTERVAL_MS = 100

/**
 * The app reaches its database through a TCP proxy; the proxy cuts or freezes the path (the real
 * server is never stopped). Requests that need storage get 503 storage_unavailable within the
 * timeout, requests that do not are served, and the same app instance recovers by itself.
 */
forEachAdapter(t, async (t, database) => {
  const proxy = await startTcpProxy(database.url)
  t.teardown(() => proxy.close())
  const app = await build(t, { env: { STORAGE_URL: proxy.url(database.url), STORAGE_TIMEOUT_MS: String(TIMEOUT_MS) } })
  const user = await registerAndLogin(app)
  let refreshToken = user.refresh_token

  for (const mode of ['cut', 'hang'] as const) {
    t.test(`${mode} - should answer 503 within the timeout, keep serving valid access tokens, then recover`, async (t) => {
      const newcomer = uniqueName(mode)
      const needsStorage: Record<string, InjectOptions> = {
        login: { method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } },
        register: { method: 'POST', url: '/auth/register', payload: { username: newcomer, password: PASSWORD } },
        refresh: { method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } },
        ready: { method: 'GET', url: '/ready' }
      }
      if (mode === 'cut') await proxy.cut()
      else proxy.hang()

      for (const [name, request] of Object.entries(needsStorage)) {
        const started = performance.now()
        const res = await app.inject(request)
        const elapsed = Math.round(performance.now() - started)
        t.comment(`${database.kind} ${mode}: ${name} answered ${res.statusCode} after ${elapsed} ms`)
        t.equal(res.statusCode, 503, `${name} answers 503`)
        t.same(res.json(), { statusCode: 503, error: 'Service Unavailable', message: 'Storage is unavailable, try again shortly', code: 'storage_unavailable' }, 'no driver text')
        t.ok(elapsed < TIMEOUT_MS + MARGIN_MS, `${name} answers within STORAGE_TIMEOUT_MS (+ margin)`)
      }
      const hello = await app.inject({ url: '/protected/hello', headers: bearer(user.access_token) })
      t.equal(hello.statusCode, 200, 'a valid access token needs no storage')

      await proxy.restore()
      const restoredAt = performance.now()
      let polls = 0
      let ready = await app.inject('/ready')
      while (ready.statusCode !== 200 && ++polls < RECOVERY_POLLS) {
        await delay(POLL_INTERVAL_MS)
        ready = await app.inject('/ready')
      }
      t.comment(`${database.kind} ${mode}: ready again ${Math.round(performance.now() - restoredAt)} ms after the restore (${polls} polls)`)
      t.equal(ready.statusCode, 200, 'the same instance recovers without a restart')

      t.equal((await app.inject(needsStorage.login as InjectOptions)).statusCode, 200, 'login works again')
      t.equal((await app.inject(needsStorage.register as InjectOptions)).statusCode, 201, 'the refused registration left nothing behind')
      const refreshed = await app.inject(needsStorage.refresh as InjectOptions)
      t.equal(refreshed.statusCode, 200, 'the refresh token was not consumed by the refused refresh')
      refreshToken = refreshed.json().refresh_token
    })
  }
}, { networked: true })

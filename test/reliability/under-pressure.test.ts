import { setImmediate as nextTurn } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { OVERLOAD_RETRY_AFTER_SECONDS } from '../../plugins/under-pressure.js'
import { build } from '../helper.js'

/** Each slice blocks the event loop this long, then lets one turn run (timers, the sampler). */
const BLOCK_SLICE_MS = 50
/** Arming (2 s after ready) plus a sample a second: ten seconds of overload is plenty, and the bound. */
const MAX_OVERLOAD_MS = 10_000

function block (ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) { /* busy: this is the overload */ }
}

/**
 * Overloads this process's event loop, in slices, until a request is refused: the app arms its
 * shedding one full sample after it is ready, and then samples once a second.
 */
async function overload (app: FastifyInstance): Promise<boolean> {
  const started = performance.now()
  while ((await app.inject('/')).statusCode !== 503) {
    if (performance.now() - started > MAX_OVERLOAD_MS) return false
    block(BLOCK_SLICE_MS)
    await nextTurn()
  }
  return true
}

/** Waits, without load, for the next sample to clear the pressure. */
async function recover (app: FastifyInstance): Promise<boolean> {
  const started = performance.now()
  while (app.isUnderPressure()) {
    if (performance.now() - started > MAX_OVERLOAD_MS) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

const OVERLOADED = { statusCode: 503, error: 'Service Unavailable', message: 'The server is overloaded, try again shortly', code: 'overloaded' }

const thresholds = {
  'event-loop delay': { MAX_EVENT_LOOP_DELAY_MS: '20', MAX_EVENT_LOOP_UTILIZATION: '0' },
  'event-loop utilization': { MAX_EVENT_LOOP_DELAY_MS: '0', MAX_EVENT_LOOP_UTILIZATION: '0.5' }
}

for (const [what, env] of Object.entries(thresholds)) {
  t.test(`${what} over its threshold - should answer 503 overloaded with Retry-After on every route but /health, then recover`, async (t) => {
    const app = await build(t, { env })
    t.equal((await app.inject('/')).statusCode, 200, 'serves normally before the overload')

    t.ok(await overload(app), `the app sheds load within ${MAX_OVERLOAD_MS} ms of overload`)
    for (const request of [
      { method: 'GET' as const, url: '/' },
      { method: 'GET' as const, url: '/ready' },
      { method: 'POST' as const, url: '/auth/login', payload: { username: 'someone', password: 'whatever it is' } },
      { method: 'POST' as const, url: '/oauth/token', payload: { grant_type: 'password' } },
      { method: 'GET' as const, url: '/protected/hello' },
      { method: 'GET' as const, url: '/no/such/route' }
    ]) {
      block(BLOCK_SLICE_MS) // keeps the current sample overloaded while the checks run
      const res = await app.inject(request)
      t.equal(res.statusCode, 503, `${request.method} ${request.url} is refused`)
      t.equal(res.headers['retry-after'], String(OVERLOAD_RETRY_AFTER_SECONDS), 'with Retry-After')
      t.match(res.headers['content-type'], /^application\/json/)
      t.same(res.json(), OVERLOADED, 'in the error shape every route uses')
    }
    t.equal((await app.inject('/health')).statusCode, 200, 'liveness still answers: the process is busy, not broken')

    t.ok(await recover(app), 'the pressure clears once the loop is free')
    t.equal((await app.inject('/')).statusCode, 200, 'serves normally again')
  })
}

t.test('a stall right after start-up - should not refuse: samples covering start-up are not judged', async (t) => {
  const app = await build(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '20', MAX_EVENT_LOOP_UTILIZATION: '0' } })
  block(1200) // one long block, as a slow start (module loading, schema compilation) would be
  await new Promise((resolve) => setTimeout(resolve, 0)) // the next timers phase: the overdue sample runs first
  t.ok(app.isUnderPressure(), 'the sample saw the stall')
  t.equal((await app.inject('/')).statusCode, 200, 'yet the request is served')
})

t.test('defaults - should turn on the delay check only (1000 ms), the utilization check off', async (t) => {
  // test/helper.ts turns the delay check off for every other test: build with the real default.
  const app = await build(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '' } })
  t.equal(app.config.MAX_EVENT_LOOP_DELAY_MS, 1000)
  t.equal(app.config.MAX_EVENT_LOOP_UTILIZATION, 0)
  t.equal(app.isUnderPressure(), false)
})

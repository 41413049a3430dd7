// @ts-check
/**
 * Scenario 4: login and registration throughput against the raw argon2id rate (the library
 * called directly by bench/lib/argon2-raw.mjs, same parameters, same number in flight, pinned to
 * the server's core), in bracketed rounds. Scenario 5: the protected route while a login flood
 * keeps the hashing saturated, against the protected route idle, with the event-loop delay of the
 * server during each.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { PASSWORD, TOKENS, USER_PREFIX } from '../lib/context.mjs'
import { bearerRequests, load, loginRequests, median, registerRequests } from '../lib/load.mjs'
import { startRawArgon2 } from '../lib/processes.mjs'
import { bracket, formatNumber, judge, ratioRow } from '../lib/rounds.mjs'

/** Requests (and raw operations) in flight: libuv's default thread pool size. */
const IN_FLIGHT = 4
/** Login connections of the flood: more than can hash at once, so hashing never idles. */
const FLOOD_CONNECTIONS = 8
const FLOOD_LEAD_MS = 1000
/** Why rows 4a and 4b can exceed 1 (services/password.ts). */
const ONE_HASH_PER_CORE = `with ${IN_FLIGHT} requests in flight the server still hashes one password at a time per core it may use (one under taskset) and queues the others, where the raw script keeps ${IN_FLIGHT} hashing threads taking turns on the same core, 19 MiB each: one at a time gets more out of a core, so the ratio can exceed 1`

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const { settings } = ctx
  const { server, tokens } = await ctx.main()
  const usernames = Array.from({ length: TOKENS }, (_, i) => `${USER_PREFIX}${i}`)
  const logins = loginRequests(usernames, PASSWORD)
  const http = (/** @type {import('../lib/load.mjs').Request[]} */ requests) => async (/** @type {number} */ seconds) => {
    const result = await load({ url: server.url, requests, connections: IN_FLIGHT, seconds })
    return { value: result.rps, bad: result.bad }
  }
  const raw = await startRawArgon2({ concurrency: IN_FLIGHT, distDir: ctx.distDir, pinned: ctx.pinned })
  let argon
  try {
    const rate = (/** @type {'hash' | 'verify'} */ op) => async (/** @type {number} */ seconds) => ({ value: (await raw.run(op, seconds)).rate, bad: 0 })
    const options = { rounds: settings.argonRounds, seconds: settings.argonSeconds, warmup: Math.min(settings.warmup, settings.argonSeconds), log: ctx.log }
    argon = {
      login: await bracket({ base: { key: 'raw verify', measure: rate('verify') }, others: [{ key: 'login', measure: http(logins) }], ...options }),
      register: await bracket({ base: { key: 'raw hash', measure: rate('hash') }, others: [{ key: 'register', measure: http(registerRequests(`r${ctx.runId}_`, PASSWORD)) }], ...options })
    }
  } finally {
    await raw.stop()
  }

  const protectedRequests = bearerRequests('/protected/hello', tokens)
  const protectedLoad = (/** @type {number} */ seconds) => load({ url: server.url, requests: protectedRequests, connections: settings.connections, seconds })
  const flood = await bracket({
    base: {
      key: 'idle',
      async measure (seconds) {
        await server.command('eldStart')
        const result = await protectedLoad(seconds)
        const eld = await server.command('eldStop')
        return { value: result.rps, bad: result.bad, eldP99: eld.p99, eldMax: eld.max }
      }
    },
    others: [{
      key: 'flood',
      async measure (seconds) {
        const floodRun = load({ url: server.url, requests: logins, connections: FLOOD_CONNECTIONS, seconds: seconds + FLOOD_LEAD_MS / 1000 + 0.5 })
        await sleep(FLOOD_LEAD_MS)
        await server.command('eldStart')
        const result = await protectedLoad(seconds)
        const eld = await server.command('eldStop')
        const floodResult = await floodRun
        return { value: result.rps, bad: result.bad + floodResult.bad, eldP99: eld.p99, eldMax: eld.max, loginsPerSecond: floodResult.rps }
      }
    }],
    rounds: settings.rounds,
    seconds: settings.seconds,
    warmup: Math.min(settings.warmup, 1),
    log: ctx.log
  })
  const during = flood.measurements.flood ?? []
  const idle = flood.measurements.idle ?? []
  const eldP99 = Math.max(...during.map((m) => Number(m.eldP99)))
  const idleP99 = Math.max(...idle.map((m) => Number(m.eldP99)))
  const loginsDuring = median(during.map((m) => Number(m.loginsPerSecond)))
  const eldGoal = /** @type {const} */ ({ op: '<=', value: 20 })
  return [
    ratioRow({ id: '4a', scenario: `Login throughput vs raw argon2id verify rate (${IN_FLIGHT} in flight)`, results: argon.login, a: 'login', b: 'raw verify', aLabel: 'POST /auth/login', bLabel: 'argon2.verify', unit: '/s', goal: { op: '>=', value: 0.9 }, note: ONE_HASH_PER_CORE }),
    ratioRow({ id: '4b', scenario: `Registration throughput vs raw argon2id hash rate (${IN_FLIGHT} in flight, memory storage)`, results: argon.register, a: 'register', b: 'raw hash', aLabel: 'POST /auth/register', bLabel: 'argon2.hash', unit: '/s', goal: { op: '>=', value: 0.85 } }),
    ratioRow({ id: '5a', scenario: `Protected route during a login flood (${FLOOD_CONNECTIONS} login connections) vs idle`, results: flood, a: 'flood', b: 'idle', aLabel: 'during the flood', bLabel: 'idle', unit: 'req/s', goal: { op: '>=', value: 0.6 }, note: `logins completed during the flood: ${formatNumber(loginsDuring)}/s` }),
    {
      id: '5b',
      scenario: 'Event-loop delay p99 during the login flood (worst round)',
      a: `monitorEventLoopDelay p99, flood: ${formatNumber(eldP99)} ms`,
      b: `idle: ${formatNumber(idleP99)} ms (worst round)`,
      value: eldP99,
      unit: 'ms',
      goal: eldGoal,
      status: judge(eldGoal, eldP99),
      detail: { flood: during.map((m) => m.eldP99), idle: idle.map((m) => m.eldP99) }
    }
  ]
}

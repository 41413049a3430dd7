// @ts-check
/**
 * Bench-only preload for OUR server, never used in production:
 *
 *   taskset -c 1 node --import ./bench/lib/probe.mjs dist/server.js
 *
 * The server is the unchanged compiled dist/server.js. This module adds nothing to the request
 * path: it takes the Fastify instance from Fastify's own `fastify.initialization` diagnostics
 * channel and answers the benchmark's commands over the IPC channel of the child process:
 *
 * - seedUsers: registers ONE user through the real user service (a real argon2id hash with the
 *   product's parameters), then stores count-1 more users through the storage contract
 *   (store.createUser) reusing that hash: what a bulk import would do, minus 40 ms of argon2 per row.
 * - openSessions: opens sessions through the real session service (sessions.start): real token pairs.
 * - seedRevocations: puts revocations where a logout puts them (the in-memory revocation view and
 *   store.recordRevocations) and measures the memory each costs (heap and ArrayBuffers), after a
 *   full GC.
 * - eldStart / eldStop: perf_hooks.monitorEventLoopDelay around a measurement.
 * - gcStart / gcStop: the garbage-collection pauses during a measurement (perf_hooks 'gc' entries).
 * - collectionsSinceSeeding: the major collections since a seeding, and those of them V8's memory
 *   reducer started.
 * - memory: process.memoryUsage(), after a full GC when asked.
 * The server ends with the benchmark (exit-with-parent.mjs) if the benchmark dies first.
 */
import { randomUUID } from 'node:crypto'
import { subscribe } from 'node:diagnostics_channel'
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import './exit-with-parent.mjs'

/** ELD sampling interval (ms); the histogram records intervals, so this is subtracted. */
const ELD_RESOLUTION_MS = 10

/** @type {any} the root Fastify instance of dist/server.js (decorated by the app's plugins) */
let app
subscribe('fastify.initialization', (message) => {
  app ??= /** @type {{ fastify: unknown }} */ (message).fastify
})

setFlagsFromString('--expose-gc')
/** @type {() => void} */
const gc = runInNewContext('gc')

/** @type {import('node:perf_hooks').IntervalHistogram | undefined} */
let eld
/** @type {PerformanceObserver | undefined} */
let gcObserver
let gcTotals = { count: 0, ms: 0, majorMs: 0, since: 0, newSpaceAtStart: 0 }
/** The young generation's current size (V8's new_space figure: one semi-space), which V8 grows under load and shrinks when idle. */
const newSpaceBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? Number.NaN
/** Major collections since the end of the last seeding: all of them, and those the memory reducer started. */
let sinceSeeding = { majorCount: 0, reducerCount: 0, reducerPauseMs: 0 }
/** @type {PerformanceObserver | undefined} */
let seedingObserver

/**
 * Runs `task(i)` for i in [from, to) with at most `concurrency` in flight.
 * @param {number} from @param {number} to @param {number} concurrency
 * @param {(i: number) => Promise<unknown>} task
 */
async function pool (from, to, concurrency, task) {
  let next = from
  async function worker () {
    while (next < to) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
}

/**
 * Memory a process holds for its objects: the V8 heap and ArrayBuffer contents (outside it).
 * @param {NodeJS.MemoryUsage} usage
 */
const retained = (usage) => usage.heapUsed + usage.arrayBuffers

/**
 * A full, synchronous GC twice, a pause for the concurrent sweeper, then the numbers. gc() without
 * options: on Node 20 (V8 11.3), gc({ type: 'major', execution: 'sync' }) left a million dropped
 * strings (68 MB) on the heap, which a plain gc() frees (Node 24 frees them either way).
 */
async function heapAfterGc () {
  gc()
  await sleep(50)
  gc()
  return process.memoryUsage()
}

/**
 * The kind and flags of a perf_hooks 'gc' entry (its `detail`, which the typings leave out).
 * @param {import('node:perf_hooks').PerformanceEntry} entry
 * @returns {{ kind?: number, flags?: number } | undefined}
 */
function gcDetail (entry) {
  return /** @type {{ detail?: { kind?: number, flags?: number } }} */ (/** @type {unknown} */ (entry)).detail
}

/**
 * Starts counting major collections, and among them those V8's memory reducer started: the
 * reducer asks for its collections with the "all external memory" callback flag, which nothing
 * else here uses (forced and allocation-driven ones carry other flags).
 */
function watchMajorCollections () {
  seedingObserver?.disconnect()
  const watched = { majorCount: 0, reducerCount: 0, reducerPauseMs: 0 }
  sinceSeeding = watched
  seedingObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = gcDetail(entry)
      if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue
      watched.majorCount++
      if (((detail.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY) !== 0) {
        watched.reducerCount++
        watched.reducerPauseMs += entry.duration
      }
    }
  })
  seedingObserver.observe({ entryTypes: ['gc'] })
}

/** An id as services/ids.ts makes one for a user the service registers: a flat string (see flatCopy there). */
function flatId () {
  return Buffer.from(randomUUID(), 'utf16le').toString('utf16le')
}

const commands = {
  ping: async () => ({ ready: app?.store !== undefined && app?.sessions !== undefined, storage: app?.store?.kind }),

  /**
   * Users prefix<from>…prefix<count-1>; user 0 is registered through the service (from = 0) or
   * already there (from > 0).
   * @param {{ prefix: string, count: number, password: string, from?: number, concurrency?: number }} args
   */
  async seedUsers ({ prefix, count, password, from = 0, concurrency = 32 }) {
    const started = performance.now()
    const first = from === 0 ? await app.users.register({ username: `${prefix}0`, password }) : await app.store.findUserByUsername(`${prefix}0`)
    if (first === null) throw new Error(`no user ${prefix}0 to copy`)
    // Every other field (hash, roles, flags the record may grow) as the service made them for user 0.
    await pool(Math.max(1, from), count, concurrency, (i) => app.store.createUser({
      ...first,
      id: flatId(),
      username: `${prefix}${i}`,
      usernameNormalized: `${prefix}${i}`,
      roles: [...first.roles],
      createdAt: new Date()
    }))
    return { count, ms: performance.now() - started, id: first.id, username: first.username }
  },

  /**
   * Gives users prefix0 … prefix(count-1) (seeded first) a confirmed authenticator app through the
   * MFA service, its last used step set two steps back, so the codes of the current and the next
   * step both log in. Returns each user's base32 secret (the load generator computes the codes).
   * @param {{ prefix: string, count: number }} args
   */
  async enrolTotp ({ prefix, count }) {
    const step = Math.floor(Date.now() / 30_000)
    /** @type {{ username: string, secret: string }[]} */
    const users = []
    await pool(0, count, 32, async (i) => {
      const user = await app.store.findUserByUsername(`${prefix}${i}`)
      if (user === null) throw new Error(`no user ${prefix}${i}`)
      const { secret } = await app.mfa.factors.enrollTotp(user)
      if (!await app.store.useTotpStep(user.id, step - 2, new Date())) throw new Error(`could not confirm ${prefix}${i}`)
      users[i] = { username: user.username, secret }
    })
    return users
  },

  /**
   * count sessions, for users prefix0, prefix1, … prefix(users-1) in turn.
   * @param {{ prefix: string, count: number, users?: number }} args
   */
  async openSessions ({ prefix, count, users = count }) {
    const pairs = []
    for (let i = 0; i < count; i++) {
      const user = await app.store.findUserByUsername(`${prefix}${i % users}`)
      if (user === null) throw new Error(`no user ${prefix}${i % users}`)
      const pair = await app.sessions.start(user, { userAgent: 'bench', ip: '127.0.0.1' })
      pairs.push({ access_token: pair.access_token, refresh_token: pair.refresh_token })
    }
    return pairs
  },

  /**
   * count revocations made 60 s to 20 s ago, expiring one
   * access-token lifetime after they were made, in revocation-time order as logouts make them.
   * @param {{ count: number, ttlSeconds: number, store?: boolean }} args store: false leaves them out
   *   of the store (as with MySQL or MongoDB, where they live in the database)
   */
  async seedRevocations ({ count, ttlSeconds, store = true }) {
    const CHUNK = 10_000
    const base = Date.now() - 60_000
    const at = (/** @type {number} */ i) => base + Math.floor(i * 40_000 / count)
    const before = await heapAfterGc()
    // The session ids first, flat as newId() makes them, so that the view's cost is measured
    // without them: the view keeps an id's bits, not its string.
    const ids = Array.from({ length: count }, flatId)
    // Sessions belong to users, whose ids the store already holds: a thousand of them here.
    const userIds = Array.from({ length: 1000 }, () => randomUUID())
    const m0 = await heapAfterGc()
    for (let from = 0; from < count; from += CHUNK) {
      const chunk = []
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        chunk.push({ sessionId: ids[i] ?? '', userId: '', revokedAt: new Date(at(i)), expiresAt: new Date(at(i) + ttlSeconds * 1000) })
      }
      app.revocations.add(chunk)
    }
    const m1 = await heapAfterGc()
    for (let from = 0; from < (store ? count : 0); from += CHUNK) {
      const chunk = []
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        chunk.push({ sessionId: ids[i] ?? '', userId: userIds[i % userIds.length], revokedAt: new Date(at(i)), expiresAt: new Date(at(i) + ttlSeconds * 1000) })
      }
      await app.store.recordRevocations(chunk)
    }
    // The view syncs by the store's cursor: it catches up on these records once, here, rather than
    // in the first measured round (its own records, so the sync adds nothing).
    if (store) await app.revocations.sync()
    ids.length = 0
    const after = await heapAfterGc()
    watchMajorCollections()
    return {
      count,
      viewSize: app.revocations.size,
      // V8 heap plus ArrayBuffer memory (where the view's typed arrays live).
      viewBytesPerSession: (retained(m1) - retained(m0)) / count,
      viewOffHeapBytesPerSession: (m1.arrayBuffers - m0.arrayBuffers) / count,
      // The store's records, with whatever strings they keep: all that is left of the seeding
      // once its own list of ids is gone, less the view.
      storeBytesPerSession: (retained(after) - retained(before) - (retained(m1) - retained(m0))) / count,
      bytesPerSession: (retained(after) - retained(before)) / count,
      rssBytesPerSession: (after.rss - before.rss) / count,
      rssBefore: before.rss,
      rssAfter: after.rss
    }
  },

  /**
   * The major collections since the end of the last seeding, and how many of them V8's memory
   * reducer started: once the process has been idle for a while after its heap grew (8 s at the
   * least; 11 to 25 s after seeding 1,000,000 revocations here), it runs up to three, pauses up to
   * 400 ms and as much marking again. Stops counting.
   */
  async collectionsSinceSeeding () {
    seedingObserver?.disconnect()
    seedingObserver = undefined
    const { majorCount, reducerCount, reducerPauseMs } = sinceSeeding
    return { majorCollections: majorCount, reducerCollections: reducerCount, reducerPauseMs }
  },

  /** Starts adding up garbage-collection pauses (perf_hooks 'gc' entries), by kind. */
  async gcStart () {
    gcObserver?.disconnect()
    gcTotals = { count: 0, ms: 0, majorMs: 0, since: performance.now(), newSpaceAtStart: newSpaceBytes() }
    const totals = gcTotals
    gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        totals.count++
        totals.ms += entry.duration
        if (gcDetail(entry)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) totals.majorMs += entry.duration
      }
    })
    gcObserver.observe({ entryTypes: ['gc'] })
    return {}
  },

  async gcStop () {
    gcObserver?.disconnect()
    gcObserver = undefined
    return { ...gcTotals, seconds: (performance.now() - gcTotals.since) / 1000, newSpaceAtEnd: newSpaceBytes() }
  },

  async eldStart () {
    eld?.disable()
    eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
    eld.enable()
    return {}
  },

  async eldStop () {
    if (eld === undefined) throw new Error('eldStart first')
    eld.disable()
    const delay = (/** @type {number} */ ns) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS)
    const result = { p50: delay(eld.percentile(50)), p99: delay(eld.percentile(99)), max: delay(eld.max), samples: eld.count }
    eld = undefined
    return result
  },

  /** @param {{ gc?: boolean }} args */
  async memory ({ gc: collect = false }) {
    return collect ? await heapAfterGc() : process.memoryUsage()
  }
}

if (process.send !== undefined) {
  process.on('message', (/** @type {{ id: number, cmd: keyof typeof commands, args?: any }} */ message) => {
    const command = commands[message.cmd]
    Promise.resolve()
      .then(() => command(message.args ?? {}))
      .then(
        (result) => process.send?.({ id: message.id, ok: true, result }),
        (error) => process.send?.({ id: message.id, ok: false, error: String(error?.stack ?? error) })
      )
  })
  // The channel must not keep the server alive: close-with-grace ends it on SIGTERM as usual.
  process.channel?.unref()
}

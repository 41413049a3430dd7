// @ts-check
/**
 * The load generator: autocannon, in this process (pinned to core 0 by run.mjs), one HTTP/1.1
 * request in flight per connection, every load bounded by its duration.
 */
import autocannon from 'autocannon'

/**
 * @typedef {object} Request autocannon request: method, path, headers, body, setupRequest, onResponse
 * @property {'GET' | 'POST'} [method]
 * @property {string} path
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {(request: any, context: any) => any} [setupRequest]
 * @property {(status: number, body: string, context: any) => void} [onResponse]
 */

/**
 * @typedef {object} LoadResult
 * @property {number} rps 2xx responses per second
 * @property {number} ok 2xx responses
 * @property {number} bad other responses, connection errors and timeouts
 * @property {number} seconds measured duration
 * @property {number | null} p50 median latency of 2xx responses, ms (exact: from every response time)
 * @property {number | null} p99
 * @property {number} cpu CPU seconds the server used meanwhile (NaN when not measured)
 */

/** @param {number[]} sorted @param {number} q */
export function quantile (sorted, q) {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return /** @type {number} */ (sorted[index])
}

/** @param {number[]} values */
export function median (values) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[middle]) : (/** @type {number} */ (sorted[middle - 1]) + /** @type {number} */ (sorted[middle])) / 2
}

/**
 * @param {{ url: string, requests: Request[], connections: number, seconds: number, latencies?: boolean, cpuSeconds?: () => number }} options
 * @returns {Promise<LoadResult>}
 */
export async function load ({ url, requests, connections, seconds, latencies = false, cpuSeconds = () => Number.NaN }) {
  /** @type {number[]} */
  const times = []
  // Without a callback autocannon returns its event emitter, made thenable (its types say Promise only).
  const instance = /** @type {autocannon.Instance & Promise<autocannon.Result>} */ (/** @type {unknown} */ (
    autocannon({ url, requests, connections, duration: seconds, pipelining: 1, timeout: 30 })
  ))
  if (latencies) {
    instance.on('response', (/** @type {unknown} */ _client, /** @type {number} */ status, /** @type {number} */ _bytes, /** @type {number} */ ms) => {
      if (status >= 200 && status < 300) times.push(ms)
    })
  }
  const cpuBefore = cpuSeconds()
  const result = await instance
  const cpu = cpuSeconds() - cpuBefore
  const ok = result['2xx']
  const bad = result.non2xx + result.errors + result.timeouts
  times.sort((a, b) => a - b)
  return {
    rps: ok / result.duration,
    ok,
    bad,
    seconds: result.duration,
    p50: latencies ? quantile(times, 0.5) : null,
    p99: latencies ? quantile(times, 0.99) : null,
    cpu
  }
}

/**
 * GET `path` with one Bearer token after the other (each connection walks the whole list).
 * @param {string} path
 * @param {string[]} tokens
 * @returns {Request[]}
 */
export function bearerRequests (path, tokens) {
  return tokens.map((token) => ({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } }))
}

/**
 * POST /auth/login as JSON, cycling through the users.
 * @param {string[]} usernames
 * @param {string} password
 * @returns {Request[]}
 */
export function loginRequests (usernames, password) {
  return usernames.map((username) => ({
    method: 'POST',
    path: '/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password })
  }))
}

/**
 * POST /auth/register with a new username each time.
 * @param {string} prefix unique for the run
 * @param {string} password
 * @returns {Request[]}
 */
export function registerRequests (prefix, password) {
  let counter = 0
  return [{
    method: 'POST',
    path: '/auth/register',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request) => ({ ...request, body: JSON.stringify({ username: `${prefix}${counter++}`, password }) })
  }]
}

/**
 * POST /auth/refresh: each request takes a refresh token from the shared pool and puts the
 * rotated one back, so every request presents the current token of its session. After a 503 (the
 * storage timed out, or the server shed load) the presented token goes back instead: it is still
 * current unless the rotation committed after all, and then the server refuses it on its next use
 * and it is dropped. Dropped at once, such tokens can empty the pool within a window. A request
 * still in flight when a window ends (or whose connection fails) loses its session (see scenario 6).
 * @param {string[]} refreshTokens one per session; the pool must hold more than the connections
 * @returns {Request[]}
 */
export function refreshRequests (refreshTokens) {
  const pool = [...refreshTokens]
  return [{
    method: 'POST',
    path: '/auth/refresh',
    headers: { 'content-type': 'application/json' },
    // autocannon hands setupRequest and onResponse of one request the same context object.
    setupRequest: (request, context) => {
      const token = pool.shift()
      if (token === undefined) throw new Error('refresh token pool is empty: open more sessions')
      context.presented = token
      return { ...request, body: JSON.stringify({ refresh_token: token }) }
    },
    onResponse: (status, body, context) => {
      if (status === 200) pool.push(JSON.parse(body).refresh_token)
      else if (status === 503) pool.push(context.presented)
    }
  }]
}

// @ts-check
/**
 * Scenarios 1-3: protected-route throughput. Our protected route (HS256) is the base of the
 * bracketed rounds; measured against it: our public route, the three reference servers, and our
 * protected route with EdDSA, ES256 and RS256 keys (one server each).
 * Every protected request carries one of 100 distinct valid tokens; the peers verify the very
 * tokens our HS256 server issued (same secret, same algorithm, same bytes).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bearerRequests, load } from '../lib/load.mjs'
import { bracket, ratioRow } from '../lib/rounds.mjs'

const PROTECTED = '/protected/hello'
/** The public counterpart of PROTECTED: the same reply shape, a few bytes shorter, no guard. */
const PUBLIC = '/public/hello'
/** The reference servers, started first: @fastify/jwt, the same with its cache, Express, bare Fastify. */
const PEERS = 4

/**
 * @param {import('../lib/processes.mjs').Server} server
 * @param {import('../lib/load.mjs').Request[]} requests
 * @param {number} connections
 */
export function throughputOf (server, requests, connections) {
  return async (/** @type {number} */ seconds) => {
    if (server.probe) await server.command('gcStart')
    const result = await load({ url: server.url, requests, connections, seconds, cpuSeconds: server.cpuSeconds })
    const gc = server.probe ? await server.command('gcStop') : undefined
    return { value: result.rps, bad: result.bad, perCpu: result.ok / result.cpu, cpuShare: result.cpu / result.seconds, ...(gc === undefined ? {} : { gcShare: gc.ms / 1000 / gc.seconds, gcMajorMs: gc.majorMs, newSpaceBytes: [gc.newSpaceAtStart, gc.newSpaceAtEnd] }) }
  }
}

/** Fastify and Node.js write these on every reply themselves; the rest are our own. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

/**
 * GET `url`, which must answer 200: its headers and the length of its body, in bytes.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 */
async function fetchReply (url, headers = {}) {
  const response = await fetch(url, { headers })
  const body = await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return { headers: response.headers, bytes: body.byteLength }
}

/**
 * The headers our server adds to a reply (security headers, CORS), read off its GET /health.
 * @param {string} url
 * @returns {Promise<Record<string, string>>}
 */
async function replyHeaders (url) {
  /** @type {Record<string, string>} */
  const headers = {}
  for (const [name, value] of (await fetchReply(`${url}/health`)).headers) if (!TRANSPORT_HEADERS.has(name)) headers[name] = value
  return headers
}

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const { settings } = ctx
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-keys-'))
  /** @type {import('../lib/processes.mjs').Server[]} */
  let others = []
  try {
    const { generateKeyFile } = await import(pathToFileURL(join(ctx.distDir, 'cli', 'keys.js')).href)
    const algorithms = ['EdDSA', 'ES256', 'RS256']
    for (const alg of algorithms) generateKeyFile(alg, join(keysDir, alg))
    const [main, ...started] = await Promise.all([ctx.main(), ctx.startAll([
      { name: '@fastify/jwt', peer: 'fastify-jwt.mjs' },
      { name: '@fastify/jwt cache', peer: 'fastify-jwt-cache.mjs' },
      { name: 'Express', peer: 'express-jsonwebtoken.mjs' },
      { name: 'Fastify bare', peer: 'fastify-bare.mjs' },
      ...algorithms.map((alg) => ({ name: `ours ${alg}`, env: { JWT_ALGORITHM: alg, JWT_PRIVATE_KEYS: join(keysDir, alg) } }))
    ])])
    others = started.flat()
    const withHeaders = await ctx.startAll([{ name: 'Fastify bare + our headers', peer: 'fastify-bare.mjs', env: { REPLY_HEADERS: JSON.stringify(await replyHeaders(main.server.url)) } }])
    others.push(...withHeaders)
    const requests = bearerRequests(PROTECTED, main.tokens)
    /** @type {Record<string, import('../lib/rounds.mjs').Variant>} */
    const variant = {
      public: { key: 'public', measure: throughputOf(main.server, [{ method: 'GET', path: PUBLIC }], settings.connections) },
      health: { key: 'health', measure: throughputOf(main.server, [{ method: 'GET', path: '/health' }], settings.connections) },
      HS256: { key: 'HS256', measure: throughputOf(main.server, requests, settings.connections) }
    }
    for (const server of [...others.slice(0, PEERS), ...withHeaders]) variant[server.name] = { key: server.name, measure: throughputOf(server, requests, settings.connections) }
    for (const [i, alg] of algorithms.entries()) {
      const server = /** @type {import('../lib/processes.mjs').Server} */ (others[PEERS + i])
      variant[alg] = { key: alg, measure: throughputOf(server, bearerRequests(PROTECTED, await ctx.accessTokens(server)), settings.connections) }
    }

    const replySizes = {
      protected: (await fetchReply(`${main.server.url}${PROTECTED}`, { authorization: `Bearer ${main.tokens[0]}` })).bytes,
      public: (await fetchReply(`${main.server.url}${PUBLIC}`)).bytes,
      health: (await fetchReply(`${main.server.url}/health`)).bytes
    }
    ctx.log(`  token length ${main.tokens[0]?.length} characters (HS256); reply bodies: ${JSON.stringify(replySizes)} bytes`)
    const results = await bracket({
      base: /** @type {import('../lib/rounds.mjs').Variant} */ (variant.HS256),
      others: ['public', 'health', '@fastify/jwt', '@fastify/jwt cache', 'Express', 'Fastify bare', 'Fastify bare + our headers', ...algorithms].map((key) => /** @type {import('../lib/rounds.mjs').Variant} */ (variant[key])),
      rounds: settings.rounds,
      seconds: settings.seconds,
      warmup: settings.warmup,
      log: ctx.log
    })
    const unit = 'req/s'
    const ours = { results, a: 'HS256', aLabel: 'ours, protected', unit }
    return [
      ratioRow({ id: '1', scenario: 'Protected route (HS256, revocation check on) vs public route, same server', results, a: 'HS256', b: 'public', aLabel: `GET ${PROTECTED}`, bLabel: `GET ${PUBLIC}`, unit, goal: { op: '>=', value: 0.9 }, note: `the public route replies with the protected greeting's shape (${replySizes.public} bytes of JSON against ${replySizes.protected}); no token is sent to it` }),
      ratioRow({ id: '1b', scenario: 'The same against GET /health, whose reply is shorter (the comparator of row 1 until 2026-11-27)', results, a: 'HS256', b: 'health', aLabel: `GET ${PROTECTED}`, bLabel: 'GET /health', unit, goal: null, note: `GET /health replies with ${replySizes.health} bytes of JSON` }),
      ratioRow({ id: '2a', scenario: 'Our protected route vs @fastify/jwt, README setup (no cache)', ...ours, b: '@fastify/jwt', bLabel: '@fastify/jwt', goal: { op: '>=', value: 2 } }),
      ratioRow({ id: '2b', scenario: 'Our protected route vs @fastify/jwt with verify.cache', ...ours, b: '@fastify/jwt cache', bLabel: '@fastify/jwt cache', goal: { op: '>=', value: 1.1 } }),
      ratioRow({ id: '2c', scenario: 'Our protected route vs Express 5 + jsonwebtoken', ...ours, b: 'Express', bLabel: 'Express + jsonwebtoken', goal: { op: '>=', value: 5 } }),
      ratioRow({ id: '2d', scenario: 'Ceiling for 2a: our PUBLIC route (no auth at all) vs @fastify/jwt', results, a: 'public', b: '@fastify/jwt', aLabel: `ours, GET ${PUBLIC}`, bLabel: '@fastify/jwt', unit, goal: null, note: 'what our server costs before any token is looked at (security headers, CORS, load shedding, logging, schemas)' }),
      ratioRow({ id: '2e', scenario: 'Ceiling for any Fastify server: Fastify with nothing registered (no auth, same reply) vs @fastify/jwt', results, a: 'Fastify bare', b: '@fastify/jwt', aLabel: 'bare Fastify', bLabel: '@fastify/jwt', unit, goal: null, note: 'the same requests (Authorization header included) to a Fastify app that checks nothing: the most any Fastify server can gain on the reference here' }),
      ratioRow({ id: '2g', scenario: 'Ceiling with our response headers: bare Fastify sending the headers our server sends (security headers, CORS) vs @fastify/jwt', results, a: 'Fastify bare + our headers', b: '@fastify/jwt', aLabel: 'bare Fastify + our headers', bLabel: '@fastify/jwt', unit, goal: null, note: 'row 2e plus the response headers of our GET /health, set in one onRequest hook as our helmet plugin sets them: 2e against 2g is what those headers cost any Fastify server' }),
      ratioRow({ id: '2f', scenario: 'Our protected route vs bare Fastify (no auth, same reply)', ...ours, b: 'Fastify bare', bLabel: 'bare Fastify', goal: null, note: 'what our whole stack costs on top of Fastify itself: guard, security headers, CORS, load shedding, logging, schemas' }),
      ...algorithms.map((alg, i) => ratioRow({
        id: `3${'abc'[i]}`, scenario: `${alg} protected route vs HS256 protected route`, results, a: alg, b: 'HS256', aLabel: `ours ${alg}`, bLabel: 'ours HS256', unit, goal: { op: '>=', value: 0.8 }
      }))
    ]
  } finally {
    await ctx.stop(...others)
    rmSync(keysDir, { recursive: true, force: true })
  }
}

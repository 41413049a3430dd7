#!/usr/bin/env node
// Soak test (not in CI): bounded mixed traffic against the compiled server for a set time.
//
//   node bench/soak.mjs [--duration 180] [--storage memory|mysql|mongodb|<STORAGE_URL>]
//                       [--concurrency 16] [--every 10] [--warmup 30]
//
// mysql / mongodb take the server from MYSQL_URL / MONGODB_URL (source .ci/services.sh) and use a
// fresh database, dropped at the end. Reports throughput every --every seconds, the error count
// (goal 0) and the server's RSS after the warm-up and at the end (goal: under 10 % growth).
// Loopback only; every request has a timeout; the run stops by itself.
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { parseArgs } from 'node:util'

const ROOT = join(import.meta.dirname, '..')
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '180' },
    storage: { type: 'string', default: 'memory' },
    concurrency: { type: 'string', default: '16' },
    every: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '30' }
  }
})
const DURATION_S = Number(args.duration)
const CONCURRENCY = Number(args.concurrency)
const REPORT_EVERY_S = Number(args.every)
const WARMUP_S = Math.min(Number(args.warmup), DURATION_S / 2)
const REQUEST_TIMEOUT_MS = 10_000
const PASSWORD = 'soak: correct horse battery staple'
/** Users made before the run; every REGISTER_EVERY-th round registers a new one as well. */
const POOL = 50
const REGISTER_EVERY = 10
const PROTECTED_CALLS = 5

async function freePort () {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  return port
}

/** STORAGE_URL for the run, and how to clean up after it. */
async function storage (choice) {
  if (choice === 'memory') return { url: 'memory://', drop: async () => {} }
  if (choice.includes('://')) return { url: choice, drop: async () => {} }
  const server = process.env[choice === 'mysql' ? 'MYSQL_URL' : 'MONGODB_URL']
  if (server === undefined) throw new Error(`--storage ${choice} needs ${choice === 'mysql' ? 'MYSQL_URL' : 'MONGODB_URL'} (source .ci/services.sh)`)
  const name = `auth_soak_${process.pid}_${randomBytes(3).toString('hex')}`
  const url = new URL(server)
  url.pathname = `/${name}`
  if (choice === 'mysql') {
    const mysql = await import('mysql2/promise')
    const admin = async (sql) => { const c = await mysql.createConnection({ uri: server }); try { await c.query(sql) } finally { await c.end() } }
    await admin(`CREATE DATABASE \`${name}\``)
    return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) }
  }
  const { MongoClient } = await import('mongodb')
  return {
    url: url.href,
    drop: async () => { const c = new MongoClient(server); try { await c.db(name).dropDatabase() } finally { await c.close() } }
  }
}

function rssMb (pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line)[1]) / 1024
}

const stats = { requests: 0, errors: 0, byOp: {}, firstErrors: [] }
const run = { stopping: false }

async function call (base, op, expected, method, path, { json, bearer } = {}) {
  const headers = {}
  if (json !== undefined) headers['content-type'] = 'application/json'
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  let status = 0
  let body = null
  try {
    const res = await fetch(`${base}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
    status = res.status
    const text = await res.text()
    body = text === '' ? null : JSON.parse(text)
  } catch (error) {
    body = { error: error.message }
  }
  stats.requests += 1
  stats.byOp[op] = (stats.byOp[op] ?? 0) + 1
  if (status !== expected) {
    stats.errors += 1
    if (stats.firstErrors.length < 10) stats.firstErrors.push(`${op}: expected ${expected}, got ${status} ${JSON.stringify(body)}`)
    return null
  }
  return body
}

/** One virtual user: login, protected calls, refresh, more calls, logout, a refused call; repeat. */
async function virtualUser (base, id, pool) {
  for (let round = 0; !run.stopping; round++) {
    let username = pool[(id * 7 + round) % pool.length]
    if (round % REGISTER_EVERY === 0) {
      username = `soak_${id}_${round}_${process.pid}`
      if (await call(base, 'register', 201, 'POST', '/auth/register', { json: { username, password: PASSWORD } }) === null) continue
    }
    const pair = await call(base, 'login', 200, 'POST', '/auth/login', { json: { username, password: PASSWORD } })
    if (pair === null) continue
    for (let i = 0; i < PROTECTED_CALLS; i++) await call(base, 'protected', 200, 'GET', '/protected/hello', { bearer: pair.access_token })
    const next = await call(base, 'refresh', 200, 'POST', '/auth/refresh', { json: { refresh_token: pair.refresh_token } })
    if (next === null) continue
    await call(base, 'protected', 200, 'GET', '/auth/me', { bearer: next.access_token })
    await call(base, 'logout', 204, 'POST', '/auth/logout', { bearer: next.access_token })
    await call(base, 'refused', 401, 'GET', '/protected/hello', { bearer: next.access_token })
  }
}

async function main () {
  const outDir = join(ROOT, 'dist', '.soak')
  console.log(`soak: compiling the server into ${outDir}`)
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' })
  const store = await storage(args.storage)
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, [join(outDir, 'server.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), STORAGE_URL: store.url, LOG_LEVEL: 'warn', RATE_LIMIT_AUTH_MAX: '0', JWT_SECRET: randomBytes(48).toString('base64url') }
  })
  const exited = once(server, 'exit')
  try {
    for (let i = 0; (await fetch(`${base}/health`).then((r) => r.status, () => 0)) !== 200; i++) {
      if (i > 600) throw new Error('the server did not start within 60 s')
      await delay(100)
    }
    const pool = []
    for (let i = 0; i < POOL; i++) {
      const username = `soak_pool_${i}_${process.pid}`
      await call(base, 'register', 201, 'POST', '/auth/register', { json: { username, password: PASSWORD } })
      pool.push(username)
    }
    const rssAtStart = rssMb(server.pid)
    console.log(`soak: ${args.storage} (${store.url.replace(/\/\/[^@/]*@/, '//***@')}), ${CONCURRENCY} virtual users, ${DURATION_S} s, warm-up ${WARMUP_S} s; RSS at start ${rssAtStart.toFixed(1)} MB`)
    const started = Date.now()
    const users = Array.from({ length: CONCURRENCY }, (_, id) => virtualUser(base, id, pool))
    let rssAfterWarmup = null
    let last = { at: started, requests: 0 }
    const samples = []
    while (Date.now() - started < DURATION_S * 1000) {
      await delay(Math.min(REPORT_EVERY_S * 1000, DURATION_S * 1000 - (Date.now() - started)))
      const now = Date.now()
      const rss = rssMb(server.pid)
      if (rssAfterWarmup === null && now - started >= WARMUP_S * 1000) rssAfterWarmup = rss
      const rate = (stats.requests - last.requests) / ((now - last.at) / 1000)
      samples.push(rate)
      console.log(`t=${String(Math.round((now - started) / 1000)).padStart(4)} s  ${rate.toFixed(0).padStart(6)} req/s  errors ${stats.errors}  RSS ${rss.toFixed(1)} MB`)
      last = { at: now, requests: stats.requests }
    }
    run.stopping = true
    await Promise.all(users)
    const rssAtEnd = rssMb(server.pid)
    const base0 = rssAfterWarmup ?? rssAtStart
    const growth = (rssAtEnd - base0) / base0 * 100
    console.log(`soak: ${stats.requests} requests in ${DURATION_S} s (${(stats.requests / DURATION_S).toFixed(0)} req/s on average, min ${Math.min(...samples).toFixed(0)}, max ${Math.max(...samples).toFixed(0)}): ${JSON.stringify(stats.byOp)}`)
    console.log(`soak: errors ${stats.errors} (goal 0)${stats.firstErrors.length > 0 ? `\n  ${stats.firstErrors.join('\n  ')}` : ''}`)
    console.log(`soak: RSS ${rssAtStart.toFixed(1)} MB at start, ${base0.toFixed(1)} MB after the warm-up, ${rssAtEnd.toFixed(1)} MB at the end: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % (goal < 10 %)`)
    process.exitCode = stats.errors === 0 && growth < 10 ? 0 : 1
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM')
    await exited
    await store.drop()
  }
}

await main()

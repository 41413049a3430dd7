import cluster, { type Worker } from 'node:cluster'
import { hostname } from 'node:os'
import { ConfigError, type AppConfig } from './config.js'
import { isProcessLocalStorage } from './storage/url.js'

/** The message the primary sends a worker to make it close gracefully (see server.ts). */
export const SHUTDOWN_MESSAGE = 'auth-server:shutdown'

/** Some room past the workers' own grace period before the primary kills what is left. */
const KILL_MARGIN_MS = 2000

type Level = 'info' | 'warn' | 'error'
const PINO_LEVELS: Record<Level, number> = { info: 30, warn: 40, error: 50 }

/** The primary has no Fastify: one JSON line per event, in pino's shape, on stdout. */
function log (level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level: PINO_LEVELS[level], time: Date.now(), pid: process.pid, hostname: hostname(), role: 'primary', ...fields, msg })}\n`)
}

/** Throws a ConfigError when N workers cannot share the state the storage keeps. */
export function assertClusterable (config: Pick<AppConfig, 'WEB_CONCURRENCY' | 'STORAGE_URL'>): void {
  if (config.WEB_CONCURRENCY > 1 && isProcessLocalStorage(config.STORAGE_URL)) {
    throw new ConfigError(`WEB_CONCURRENCY=${config.WEB_CONCURRENCY} needs shared storage, but STORAGE_URL=${config.STORAGE_URL.trim()} keeps users, sessions and revocations in each process's own memory: a user registered through one worker would be unknown to the others. Set STORAGE_URL to sqlite://./data/auth.db (workers on one machine share the file), mysql://…, postgres://… or mongodb://…, or WEB_CONCURRENCY=1`)
  }
}

/**
 * What every worker must agree on. A JWT_SECRET made up at start-up is made once, here, and
 * handed to all workers, or a token signed by one worker would be refused by the others.
 */
export function workerEnvironment (config: Pick<AppConfig, 'JWT_ALGORITHM' | 'JWT_SECRET' | 'jwtSecretGenerated'>): Record<string, string> {
  if (config.JWT_ALGORITHM !== 'HS256' || !config.jwtSecretGenerated) return {}
  log('warn', 'JWT_SECRET is not set: using a random secret shared by the workers of this run; tokens will not survive a restart')
  return { JWT_SECRET: config.JWT_SECRET }
}

export interface PrimaryOptions {
  workers: number
  /** The workers' grace period for finishing in-flight requests on shutdown. */
  graceMs: number
  /** Added to the workers' environment. */
  env: Record<string, string>
}

/**
 * The cluster primary: forks the workers (they share the listening port; the primary hands out
 * connections), replaces a worker that dies after it started serving, stops everything when a
 * worker cannot start, and on SIGTERM / SIGINT asks every worker to close gracefully and exits
 * once all have (killing the rest after the grace period).
 */
export function runPrimary ({ workers, graceMs, env }: PrimaryOptions): void {
  const live = new Set<Worker>()
  const started = new WeakSet<Worker>()
  let listening = 0
  let stopping = false
  let exitCode = 0

  const fork = () => { live.add(cluster.fork(env)) }

  cluster.on('listening', (worker, address) => {
    if (started.has(worker)) return
    started.add(worker)
    listening += 1
    if (listening === workers) log('info', `cluster: ${workers} workers listening`, { workers, port: address.port })
  })

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker)
    if (started.has(worker)) listening -= 1
    if (stopping) {
      if (code !== 0) exitCode = 1
      if (live.size === 0) process.exit(exitCode)
      return
    }
    if (!started.has(worker)) {
      log('error', 'cluster: a worker exited before it could serve; stopping', { worker: worker.process.pid, code, signal })
      exitCode = 1
      stop()
      return
    }
    log('error', 'cluster: a worker died; starting a replacement', { worker: worker.process.pid, code, signal })
    fork()
  })

  function stop (): void {
    if (stopping) return
    stopping = true
    if (live.size === 0) process.exit(exitCode)
    for (const worker of live) {
      if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE)
      else worker.process.kill('SIGTERM')
    }
    setTimeout(() => {
      log('error', 'cluster: workers still running after the grace period; killing them')
      for (const worker of live) worker.process.kill('SIGKILL')
      process.exit(1)
    }, graceMs + KILL_MARGIN_MS).unref()
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log('info', 'cluster: closing: the workers finish their in-flight requests', { signal })
      stop()
    })
  }

  log('info', `cluster: starting ${workers} workers`, { workers })
  for (let i = 0; i < workers; i++) fork()
}

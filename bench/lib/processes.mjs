// @ts-check
/**
 * Child processes of the benchmark: the servers under test (ours: the compiled dist/server.js;
 * the peers in bench/peers/) and the raw argon2 rate script. Servers run on core 1, the load
 * generator (this process) on core 0, when taskset exists and there are two cores or more.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, connect } from 'node:net'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { availableParallelism, setPriority } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url))
export const PROJECT_ROOT = join(BENCH_DIR, '..')
const PROBE_URL = pathToFileURL(join(BENCH_DIR, 'lib', 'probe.mjs')).href
const EXIT_WITH_PARENT_URL = pathToFileURL(join(BENCH_DIR, 'lib', 'exit-with-parent.mjs')).href
const START_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 15_000

let clockTicks = 0
/** Nice value every child starts with (--nice), or null to inherit this process's. */
let childNice = /** @type {number | null} */ (null)

/**
 * --nice N: this process (the load generator) and every server and raw-argon2 child run at nice
 * N, so that other programs on a shared machine take less of their cores. Needs the right to
 * raise priority (root or CAP_SYS_NICE) for N < 0; throws when refused.
 * @param {number} nice
 */
export function runAtNice (nice) {
  setPriority(process.pid, nice)
  childNice = nice
}

/**
 * The command that runs node with `args`, at the chosen nice value.
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function niced (args) {
  return childNice === null ? [process.execPath, args] : ['nice', ['-n', String(childNice), process.execPath, ...args]]
}

/**
 * CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat; NaN where
 * there is no /proc.
 * @param {number} pid
 */
export function processCpuSeconds (pid) {
  try {
    clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return Number.NaN
  }
}

/** Whether server and load generator get a core each. */
export function pinningAvailable () {
  if (availableParallelism() < 2) return false
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Pins this process (the in-process load generator) to core 0. */
export function pinSelfToCore0 () {
  execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
}

/**
 * @param {boolean} pinned
 * @param {string[]} args node arguments
 * @returns {[string, string[]]}
 */
function nodeCommand (pinned, args) {
  const [command, commandArgs] = niced(args)
  return pinned ? ['taskset', ['-c', '1', command, ...commandArgs]] : [command, commandArgs]
}

/**
 * Pins every thread of a running process (main, libuv pool, V8 helpers) to core 1. Servers start
 * unpinned, several at once on every core, and are pinned once they listen, before any load.
 * @param {number} pid
 */
function pinToCore1 (pid) {
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(pid)], { stdio: 'ignore' })
}

async function freePort () {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** @param {number} port */
function canConnect (port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/**
 * @typedef {object} Server
 * @property {string} name
 * @property {string} url
 * @property {boolean} probe whether it answers probe commands (ours)
 * @property {string} [storageUrl] its STORAGE_URL, when not memory
 * @property {number} pid
 * @property {(cmd: string, args?: object) => Promise<any>} command probe command (our server only)
 * @property {() => Promise<number>} rss resident set size in bytes, from /proc
 * @property {() => number} cpuSeconds user + system CPU time of every thread so far, from /proc
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL after 15 s
 */

/**
 * glibc malloc settings (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, ...) given to the benchmark,
 * passed on to every server: `MALLOC_MMAP_THRESHOLD_=131072 npm run bench` measures the memory
 * scenarios as a deployment with that setting would run (see the README on memory).
 * @returns {Record<string, string>}
 */
function mallocTuning () {
  /** @type {Record<string, string>} */
  const settings = {}
  for (const [name, value] of Object.entries(process.env)) if (name.startsWith('MALLOC_') && value !== undefined) settings[name] = value
  return settings
}

/**
 * Every server gets an IPC channel (so it ends with the benchmark, see exit-with-parent.mjs);
 * only ours answers probe commands on it.
 * @param {{ name: string, args: string[], env: Record<string, string>, pinned: boolean, ipc: boolean }} options
 * @returns {Promise<Server>}
 */
async function startProcess ({ name, args, env, pinned, ipc }) {
  const port = await freePort()
  const [command, commandArgs] = niced(args)
  const child = spawn(command, commandArgs, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', WEB_CONCURRENCY: '1', ...mallocTuning(), ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  /** @type {string[]} */
  const output = []
  const keep = (/** @type {Buffer} */ chunk) => { output.push(chunk.toString()); if (output.length > 50) output.shift() }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = once(child, 'exit')
  /** @type {{ code?: number | null }} set once the process exited */
  const exit = {}
  exited.then(([code]) => { exit.code = code }, () => {})

  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map()
  let nextId = 1
  child.on('message', (/** @type {{ id: number, ok: boolean, result?: unknown, error?: string }} */ message) => {
    const waiter = pending.get(message.id)
    pending.delete(message.id)
    if (message.ok) waiter?.resolve(message.result)
    else waiter?.reject(new Error(`${name}: ${message.error}`))
  })
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited: ${output.join('')}`))
    pending.clear()
  })

  /** @type {Server['command']} */
  const send = (cmd, commandArgs = {}) => new Promise((resolve, reject) => {
    if (!ipc) return reject(new Error(`${name} has no probe`))
    const id = nextId++
    pending.set(id, { resolve, reject })
    child.send({ id, cmd, args: commandArgs })
  })

  const deadline = Date.now() + START_TIMEOUT_MS
  while (!await canConnect(port)) {
    if ('code' in exit) throw new Error(`${name} exited with ${String(exit.code)} before listening:\n${output.join('')}`)
    if (Date.now() > deadline) throw new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms:\n${output.join('')}`)
    await sleep(50)
  }
  if (pinned) pinToCore1(child.pid ?? 0)
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    probe: ipc,
    pid: child.pid ?? 0,
    command: send,
    rss: async () => {
      const kb = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))
      return kb === null ? Number.NaN : Number(kb[1]) * 1024
    },
    cpuSeconds: () => processCpuSeconds(child.pid ?? 0),
    async stop () {
      if ('code' in exit) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    }
  }
}

/**
 * Our server: `node [flags] --import bench/lib/probe.mjs <dist>/server.js`, LOG_LEVEL=warn.
 * @param {{ name: string, distDir: string, env: Record<string, string>, pinned: boolean, nodeFlags: string[] }} options
 */
export async function startOurServer ({ name, distDir, env, pinned, nodeFlags }) {
  const server = await startProcess({ name, args: [...nodeFlags, '--import', PROBE_URL, join(distDir, 'server.js')], env, pinned, ipc: true })
  const { ready } = await server.command('ping')
  if (ready !== true) throw new Error(`${name}: the probe found no Fastify instance with a store and sessions`)
  return server
}

/**
 * A reference server from bench/peers/.
 * @param {{ name: string, file: string, env: Record<string, string>, pinned: boolean, nodeFlags: string[] }} options
 */
export function startPeer ({ name, file, env, pinned, nodeFlags }) {
  return startProcess({ name, args: [...nodeFlags, '--import', EXIT_WITH_PARENT_URL, join(BENCH_DIR, 'peers', file)], env, pinned, ipc: false })
}

/**
 * Starts bench/lib/argon2-raw.mjs, pinned like a server, and returns a function that measures the
 * raw argon2 rate for `seconds` (and a stop function).
 * @param {{ concurrency: number, distDir: string, pinned: boolean }} options
 */
export async function startRawArgon2 ({ concurrency, distDir, pinned }) {
  const [command, args] = nodeCommand(pinned, [join(BENCH_DIR, 'lib', 'argon2-raw.mjs'), String(concurrency), distDir])
  const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = once(child, 'exit')
  /** @type {Map<number, (message: { ok: boolean, result?: any, error?: string }) => void>} */
  const pending = new Map()
  let nextId = 1
  const ready = new Promise((resolve, reject) => {
    exited.then(([code]) => reject(new Error(`argon2-raw exited with ${String(code)}`)), reject)
    child.on('message', (/** @type {{ ready?: boolean, id?: number, ok: boolean, result?: any, error?: string }} */ message) => {
      if (message.ready === true) resolve(undefined)
      else pending.get(message.id ?? 0)?.(message)
    })
  })
  await ready
  return {
    /**
     * @param {'hash' | 'verify'} op @param {number} seconds
     * @returns {Promise<{ op: string, completed: number, seconds: number, rate: number }>}
     */
    run: (op, seconds) => new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, (message) => {
        pending.delete(id)
        if (message.ok) resolve(message.result)
        else reject(new Error(`argon2-raw: ${message.error}`))
      })
      child.send({ id, op, seconds })
    }),
    async stop () {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..')

/** Compiled servers for the tests, one folder per state of the sources: dist/.test-builds/<hash>/. */
const BUILDS = join(PROJECT_ROOT, 'dist', '.test-builds')
const BUILD_CONFIG = ['tsconfig.json', 'tsconfig.build.json']
/** Builds of other source states older than this are removed (a parallel run may still use a newer one). */
const STALE_BUILD_MS = 60 * 60 * 1000

let builtDir: string | undefined

/**
 * The servers' working directory: their own, so a developer's .env or data/ in the project never
 * reaches a test, and the data/jwt-secret a server makes is removed with it.
 */
export const SERVER_CWD = mkdtempSync(join(tmpdir(), 'auth-e2e-'))
process.on('exit', () => rmSync(SERVER_CWD, { recursive: true, force: true }))

/** The compiled server folder that startServer runs (buildDist must have run). */
export function distDir (): string {
  if (builtDir === undefined) throw new Error('call buildDist() first (t.before(buildDist))')
  return builtDir
}

async function sourceFiles (dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...await sourceFiles(path))
    else if (entry.name.endsWith('.ts')) files.push(path)
  }
  return files
}

/** A hash of everything tsconfig.build.json compiles, so an unchanged tree is compiled once. */
async function sourceHash (): Promise<string> {
  const { include } = JSON.parse(await readFile(join(PROJECT_ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
  const files = [...BUILD_CONFIG.map((name) => join(PROJECT_ROOT, name))]
  for (const entry of include) {
    const path = join(PROJECT_ROOT, entry)
    if ((await stat(path)).isDirectory()) files.push(...await sourceFiles(path))
    else files.push(path)
  }
  const hash = createHash('sha256')
  for (const file of files.sort()) hash.update(relative(PROJECT_ROOT, file)).update('\0').update(await readFile(file)).update('\0')
  return hash.digest('hex').slice(0, 16)
}

async function removeStaleBuilds (keep: string): Promise<void> {
  for (const name of await readdir(BUILDS)) {
    const path = join(BUILDS, name)
    if (path !== keep && Date.now() - (await stat(path)).mtimeMs > STALE_BUILD_MS) await rm(path, { recursive: true, force: true })
  }
}

/**
 * Compiles the server as `npm start` does, but into its own folder keyed by the sources' hash:
 * test files running in parallel never write into a folder another one runs from, and a tree
 * already compiled is reused. Two concurrent first builds each compile into a private folder;
 * the first rename wins and the other one is dropped.
 */
export async function buildDist (): Promise<void> {
  const outDir = join(BUILDS, await sourceHash())
  if (!existsSync(join(outDir, 'server.js'))) {
    await mkdir(BUILDS, { recursive: true })
    const scratch = `${outDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    await promisify(execFile)(process.execPath, [tsc, '-p', join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', scratch])
    try {
      await rename(scratch, outDir)
    } catch (error) {
      if (!existsSync(join(outDir, 'server.js'))) throw error
      await rm(scratch, { recursive: true, force: true })
    }
    await removeStaleBuilds(outDir)
  }
  builtDir = outDir
}

export interface RunningServer {
  child: ChildProcess
  url: string
  logLines: string[]
  /** Resolves with the first output line matching `pattern` (already printed or still to come). */
  waitForLine (pattern: RegExp): Promise<string>
  /** Resolves once `count` output lines have matched `pattern`. */
  waitForLines (pattern: RegExp, count: number): Promise<string[]>
  stop (signal?: NodeJS.Signals): Promise<number | null>
}

export interface StartOptions {
  /** The line that means "ready"; by default the first "Server listening at" line. */
  ready?: RegExp
  /** The working directory (SERVER_CWD by default), where the default SQLite file and data/ go. */
  cwd?: string
}

const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/
/** Start-up includes migrations on a fresh database and a loaded machine. */
const START_TIMEOUT_MS = 60_000

/**
 * Starts the compiled server on a free port and resolves once it is ready. Storage is memory://
 * unless `env` names another STORAGE_URL (an empty one means the default, a SQLite file in `cwd`).
 */
export async function startServer (env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(distDir(), 'server.js')], {
    cwd: options.cwd ?? SERVER_CWD,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', STORAGE_URL: 'memory://', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logLines: string[] = []
  const waiters: Array<{ pattern: RegExp, count: number, resolve: (lines: string[]) => void }> = []
  const exited = once(child, 'exit')
  const matching = (pattern: RegExp) => logLines.filter((line) => pattern.test(line))
  const onLine = (line: string) => {
    logLines.push(line)
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(line)) continue
      const lines = matching(waiter.pattern)
      if (lines.length >= waiter.count) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(lines) }
    }
  }
  createInterface({ input: child.stdout! }).on('line', onLine)
  createInterface({ input: child.stderr! }).on('line', onLine)

  function waitForLines (pattern: RegExp, count: number): Promise<string[]> {
    const seen = matching(pattern)
    if (seen.length >= count) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      waiters.push({ pattern, count, resolve })
      exited.then(([code, signal]) => reject(new Error(`server exited (${String(code ?? signal)}) before printing ${count} × ${pattern}: ${logLines.join('\n')}`)), reject)
    })
  }
  const waitForLine = async (pattern: RegExp) => (await waitForLines(pattern, 1))[0] as string

  // Bounded: a server that never gets ready is killed rather than left running after the test.
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS)
  let listening: string
  try {
    listening = await waitForLine(LISTENING)
    if (options.ready !== undefined) await waitForLine(options.ready)
  } finally {
    clearTimeout(timer)
  }
  return {
    child,
    url: (LISTENING.exec(listening) as RegExpExecArray)[1] as string,
    logLines,
    waitForLine,
    waitForLines,
    async stop (signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const [code] = await exited
      return code as number | null
    }
  }
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function runToExit (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, [join(distDir(), 'server.js')], {
    cwd: SERVER_CWD,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code] = await once(child, 'exit')
  return { code: code as number | null, output }
}

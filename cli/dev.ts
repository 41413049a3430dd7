import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { existsSync, watch } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pruneDist } from './prune-dist.js'

/**
 * `npm run dev`: the TypeScript compiler in watch mode re-emits a saved file into dist/ (without
 * type checking: that is what `npm run typecheck` and the editor are for, and it keeps the
 * compiler's share of a reload near 0.4 s instead of 2.5 s), and `node --watch-path` restarts the
 * same dist/server.js that `npm start` runs when anything the server loads changes in dist/:
 * a saved file, a new one (a route the autoloader has not seen yet), or one removed because its
 * source was deleted. Logs are pretty when the terminal is a TTY, exactly as with `npm start`;
 * .env and data/jwt-secret are read by the server itself.
 */
const projectRoot = join(import.meta.dirname, '..', '..')
const dist = join(projectRoot, 'dist')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
/** What the server loads: not dist/cli/ (this runner) nor dist/.test-builds/ (the test suite's). */
const SERVED = ['app.js', 'server.js', 'plugins', 'routes', 'services', 'schemas']

const children: ChildProcess[] = [
  spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--noCheck', '--preserveWatchOutput'], {
    cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit']
  }),
  spawn(process.execPath, [...SERVED.map((path) => `--watch-path=${join(dist, path)}`), join(dist, 'server.js')], { stdio: 'inherit' })
]

// A deleted or renamed source leaves its compiled file behind: removed here, which restarts the server.
const sources = ['plugins', 'routes', 'services', 'schemas'].map((dir) => watch(join(projectRoot, dir), { recursive: true }, (_event, file) => {
  if (file?.endsWith('.ts') === true && !existsSync(join(projectRoot, dir, file))) pruneDist(projectRoot)
}))

// The compiler's own chatter ("File change detected") is dropped; its errors are not.
createInterface({ input: children[0]?.stdout as NodeJS.ReadableStream }).on('line', (line) => {
  if (/error TS\d+/.test(line)) process.stderr.write(`${line}\n`)
})

let stopping = false
function stop (signal: NodeJS.Signals): void {
  if (stopping) return
  stopping = true
  for (const watcher of sources) watcher.close()
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))

// One of them ending (a crash, or the signal above) ends the other: no compiler left behind.
const [code] = await Promise.race(children.map((child) => once(child, 'exit'))) as [number | null]
stop('SIGTERM')
await Promise.all(children.map((child) => child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined))
process.exitCode = code ?? 0

import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..')

/** Compiles the server exactly as `npm start` does. */
export async function buildDist (): Promise<void> {
  await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PROJECT_ROOT, 'tsconfig.build.json')])
}

export interface RunningServer {
  child: ChildProcess
  url: string
  logLines: string[]
  stop (signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `node dist/server.js` on a free port and resolves once it listens. */
export async function startServer (env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'server.js')], {
    cwd: dirname(join(PROJECT_ROOT, 'dist')),
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logLines: string[] = []
  const exited = once(child, 'exit')
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line)
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (match !== null) resolve(match[1] as string)
    })
    child.stderr!.on('data', (chunk: Buffer) => logLines.push(chunk.toString()))
    exited.then(([code]) => reject(new Error(`server exited with ${String(code)} before listening: ${logLines.join('\n')}`)), reject)
  })
  return {
    child,
    url,
    logLines,
    async stop (signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      const [code] = await exited
      return code as number | null
    }
  }
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function runToExit (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'server.js')], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code] = await once(child, 'exit')
  return { code: code as number | null, output }
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import t, { type Test } from 'tap'
import { PROJECT_ROOT } from './server-process.js'

const LISTENING = /"pid":(\d+).*Server listening at http:\/\/127\.0\.0\.1:(\d+)/

function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

/** Resolves with the connection error code, or 'connected'. */
async function tryConnect (port: number): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port })
  try {
    await once(socket, 'connect')
    return 'connected'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error'
  } finally {
    socket.destroy()
  }
}

interface NpmRun { npm: ChildProcess, exited: Promise<unknown[]>, output: string[], serverPid: number, port: number }

/** `npm run <script>` in the project, resolved once its server listens. */
async function runNpm (t: Test, script: string): Promise<NpmRun> {
  const npm = spawn('npm', ['run', script, '--silent'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'development', STORAGE_URL: 'memory://' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = once(npm, 'exit')
  t.teardown(() => { if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL') })
  const output: string[] = []
  createInterface({ input: npm.stderr as NodeJS.ReadableStream }).on('line', (line) => output.push(line))
  const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
    createInterface({ input: npm.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line)
      const match = LISTENING.exec(line)
      if (match !== null) resolve(match)
    })
    exited.then(() => reject(new Error(`npm run ${script} exited before listening:\n${output.join('\n')}`)), reject)
  })
  const serverPid = Number(listening[1])
  t.teardown(() => { if (isRunning(serverPid)) process.kill(serverPid, 'SIGKILL') })
  return { npm, exited, output, serverPid, port: Number(listening[2]) }
}

// `npm start` runs the script through `sh -c`: without `exec` the shell, not the server, got the
// signal npm forwards, and the server was left running with PID 1 as its parent.
t.test('npm start - SIGTERM to the npm process stops the server and frees the port', async (t) => {
  const { npm, exited, output, serverPid, port } = await runNpm(t, 'start')
  t.not(serverPid, npm.pid, 'the server is a process of its own')
  t.equal(await tryConnect(port), 'connected')

  npm.kill('SIGTERM')
  await exited
  t.equal(isRunning(serverPid), false, 'the server process has exited when npm exits')
  t.equal(await tryConnect(port), 'ECONNREFUSED', 'the port is free')
  t.match(output.join('\n'), /"signal":"SIGTERM".*closing/, 'the server itself received the signal')
})

// In this file, after npm start: both write dist/, never at the same time.
t.test('npm run dev - serves, and SIGTERM to npm stops the compiler and the server', async (t) => {
  const { npm, exited, serverPid, port } = await runNpm(t, 'dev')
  t.equal(await tryConnect(port), 'connected')
  // npm -> the dev runner (exec'd in the shell's place) -> tsc --watch and node --watch -> server
  const runner = execFileSync('ps', ['-o', 'pid=', '--ppid', String(npm.pid)], { encoding: 'utf8' }).trim()
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', runner], { encoding: 'utf8' }).trim().split(/\s+/).map(Number)
  t.equal(children.length, 2, 'the compiler and node --watch')
  t.teardown(() => { for (const pid of children) if (isRunning(pid)) process.kill(pid, 'SIGKILL') })

  npm.kill('SIGTERM')
  await exited
  t.same([Number(runner), ...children, serverPid].filter(isRunning), [], 'nothing left running')
  t.equal(await tryConnect(port), 'ECONNREFUSED', 'the port is free')
})

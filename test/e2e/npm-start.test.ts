import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import t from 'tap'
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

// `npm start` runs the script through `sh -c`: without `exec` the shell, not the server, got the
// signal npm forwards, and the server was left running with PID 1 as its parent.
t.test('npm start - SIGTERM to the npm process stops the server and frees the port', async (t) => {
  const npm = spawn('npm', ['start', '--silent'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const npmExited = once(npm, 'exit')
  const output: string[] = []
  createInterface({ input: npm.stderr }).on('line', (line) => output.push(line))
  const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
    createInterface({ input: npm.stdout }).on('line', (line) => {
      output.push(line)
      const match = LISTENING.exec(line)
      if (match !== null) resolve(match)
    })
    npmExited.then(() => reject(new Error(`npm start exited before listening:\n${output.join('\n')}`)), reject)
  })
  const serverPid = Number(listening[1])
  t.teardown(() => { if (isRunning(serverPid)) process.kill(serverPid, 'SIGKILL') })
  const port = Number(listening[2])
  t.not(serverPid, npm.pid, 'the server is a process of its own')
  t.equal(await tryConnect(port), 'connected')

  npm.kill('SIGTERM')
  await npmExited
  t.equal(isRunning(serverPid), false, 'the server process has exited when npm exits')
  t.equal(await tryConnect(port), 'ECONNREFUSED', 'the port is free')
  t.match(output.join('\n'), /"signal":"SIGTERM".*closing/, 'the server itself received the signal')
})

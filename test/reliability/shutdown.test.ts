import { once } from 'node:events'
import { Agent, request } from 'node:http'
import net from 'node:net'
import { performance } from 'node:perf_hooks'
import t from 'tap'
import { TEST_SECRET } from '../helper.js'
import { buildDist, startServer } from '../e2e/server-process.js'
import { client, pollUntil, PASSWORD } from './client.js'

/** Requests whose body is half sent when SIGTERM arrives: in flight until the test sends the rest. */
const SLOW_BODIES = 200
/** Logins (an argon2 hash each, on the thread pool) in flight at SIGTERM, over USERS accounts. */
const LOGINS = 40
const USERS = 10
/** Keep-alive connections left idle at SIGTERM: forceCloseConnections 'idle' closes them. */
const IDLE_CONNECTIONS = 50

interface Outcome { status?: number, body?: string, error?: string }

function send (agent: Agent, url: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { agent, method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve({ status: res.statusCode, body: text }))
      res.on('error', (error) => resolve({ error: error.message }))
    })
    req.on('error', (error) => resolve({ error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` }))
    req.end(body)
  })
}

/** A raw POST whose body stops halfway; `finish` sends the rest and resolves with the status line. */
async function halfSent (url: string, accessToken: string, message: string) {
  const { hostname, port } = new URL(url)
  const socket = net.connect(Number(port), hostname)
  await once(socket, 'connect')
  const body = JSON.stringify({ message })
  const half = Math.floor(body.length / 2)
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received))
    socket.on('error', (error) => { received += `\nsocket error: ${error.message}` })
  })
  socket.write(`POST /protected/echo HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${accessToken}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, half)}`)
  return { finish: () => { socket.write(body.slice(half)); return closed } }
}

function connectRefused (url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname)
    socket.on('connect', () => { socket.destroy(); resolve(false) })
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

t.before(buildDist)

t.test('SIGTERM under load - should finish every request in flight, refuse new connections, and exit 0 within the grace period', async (t) => {
  const server = await startServer({ JWT_SECRET: TEST_SECRET, RATE_LIMIT_AUTH_MAX: '0' })
  t.teardown(() => server.stop('SIGKILL'))
  const http = client(server.url)
  const usernames = Array.from({ length: USERS }, (_, i) => `shutdown_${process.pid}_${i}`)
  for (const username of usernames) t.equal((await http.register(username)).status, 201)
  const { access_token: accessToken } = await http.pair(usernames[0] as string)

  const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
  t.teardown(() => agent.destroy())
  const idle = await Promise.all(Array.from({ length: IDLE_CONNECTIONS }, () => send(agent, server.url, 'GET', '/health', {})))
  t.ok(idle.every((outcome) => outcome.status === 200), `${IDLE_CONNECTIONS} keep-alive connections, now idle`)

  const slow = await Promise.all(Array.from({ length: SLOW_BODIES }, (_, i) => halfSent(server.url, accessToken, `message ${i}`)))
  const logins = Array.from({ length: LOGINS }, (_, i) => send(agent, server.url, 'POST', '/auth/login', { 'content-type': 'application/json' },
    JSON.stringify({ username: usernames[i % USERS], password: PASSWORD })))
  await server.waitForLines(/"url":"\/protected\/echo".*"msg":"incoming request"/, SLOW_BODIES)
  await server.waitForLines(/"url":"\/auth\/login".*"msg":"incoming request"/, LOGINS + 1)

  const signalledAt = performance.now()
  const exited = server.stop('SIGTERM')
  await server.waitForLine(/closing: finishing in-flight requests/)
  t.not(await pollUntil(() => connectRefused(server.url), 2000), null, 'a new connection is refused while requests are still in flight')

  const echoed = await Promise.all(slow.map((request) => request.finish()))
  const loggedIn = await Promise.all(logins)
  const code = await exited
  const exitMs = Math.round(performance.now() - signalledAt)
  t.comment(`SIGTERM with ${SLOW_BODIES + LOGINS} requests in flight and ${IDLE_CONNECTIONS} idle keep-alive connections: exit ${String(code)} after ${exitMs} ms`)

  const echoFailures = echoed.filter((raw, i) => !raw.startsWith('HTTP/1.1 200') || !raw.includes(`"message":"message ${i}"`))
  t.same(echoFailures, [], `all ${SLOW_BODIES} half-sent requests completed with 200 and their answer`)
  const loginFailures = loggedIn.filter((outcome) => outcome.status !== 200)
  t.same(loginFailures, [], `all ${LOGINS} logins in flight completed with 200, none reset`)
  t.equal(code, 0, 'exit 0: closed within the grace period (close-with-grace exits 1 on its timeout)')
  t.notMatch(server.logLines.join('\n'), /killed by timeout/)
})

import { connect, type Socket } from 'node:net'
import t from 'tap'
import { build } from '../helper.js'

/** Sends `head`, then one byte of body every `everyMs` until the server ends the connection; resolves with what it answered. */
function trickle (port: number, head: string, everyMs: number): Promise<{ reply: string, bytesSent: number }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1')
    let reply = ''
    let bytesSent = 0
    let timer: NodeJS.Timeout | undefined
    socket.on('connect', () => {
      socket.write(head)
      timer = setInterval(() => {
        if (!socket.writable) return
        socket.write('a')
        bytesSent++
      }, everyMs)
    })
    socket.on('data', (chunk) => { reply += String(chunk) })
    socket.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error) })
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ reply, bytesSent })
    })
  })
}

t.test('REQUEST_TIMEOUT_MS - a body that trickles in is cut off with 408 and the connection closed', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT_MS: '300', HEADERS_TIMEOUT_MS: '200' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  // 8,000 bytes (under the body limit) at one byte per 20 ms: without the timeout, 160 s of holding a connection.
  const head = 'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 8000\r\n\r\n{"username":"'
  const { reply, bytesSent } = await trickle(port, head, 20)
  t.match(reply, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout')
  t.ok(bytesSent < 8000, `cut off after ${bytesSent} bytes of body`)
})

t.test('HEADERS_TIMEOUT_MS - headers that trickle in are cut off too', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '200' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  // One header byte at a time ("X-Slow: aaaa…"), never the blank line that ends the headers.
  const { reply } = await trickle(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 20)
  t.match(reply, /^HTTP\/1\.1 408 /)
})

t.test('server options - the configured timeouts reach the HTTP server', async (t) => {
  const app = await build(t, { env: { REQUEST_TIMEOUT_MS: '7000', HEADERS_TIMEOUT_MS: '3000', CONNECTION_TIMEOUT_MS: '60000' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.equal(app.server.requestTimeout, 7000)
  t.equal(app.server.headersTimeout, 3000)
  t.equal(app.server.timeout, 60000)
})

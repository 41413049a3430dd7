import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import app, { serverOptions } from '../../app.js'
import { loadConfig } from '../../services/config.js'
import { TEST_SECRET } from '../helper.js'

interface Answer { status: number, connection: string | undefined, body: string }

function get (url: string, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }))
    }).on('error', reject).end()
  })
}

/**
 * The app as server.ts runs it, listening, with one more preClose hook that holds the close at
 * its start until the test lets it go: the moment a load balancer still reaches the server (it
 * still accepts connections) while it is shutting down.
 */
async function serveWithHeldClose () {
  const config = loadConfig({ JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', RATE_LIMIT_AUTH_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const server = Fastify(serverOptions(config, false))
  let closeStarted = (): void => {}
  let releaseClose = (): void => {}
  const started = new Promise<void>((resolve) => { closeStarted = resolve })
  const released = new Promise<void>((resolve) => { releaseClose = resolve })
  server.addHook('preClose', async () => { closeStarted(); await released })
  await server.register(fp(app), { config })
  await server.listen({ host: '127.0.0.1', port: 0 })
  return { server, origin: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`, started, releaseClose }
}

t.test('GET /ready during close - should answer 503 with Connection: close while the server still accepts, then refuse connections', async (t) => {
  const { server, origin, started, releaseClose } = await serveWithHeldClose()
  t.teardown(() => { releaseClose(); return server.close() })
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => keepAlive.destroy())
  t.equal((await get(`${origin}/ready`, keepAlive)).status, 200, 'ready before the close')

  const closed = server.close()
  await started
  const fresh = await get(`${origin}/ready`, false)
  t.equal(fresh.status, 503, 'a new connection is still accepted, and told the server is not ready')
  t.equal(fresh.connection, 'close')
  t.match(JSON.parse(fresh.body), { statusCode: 503, error: 'Service Unavailable' })
  const reused = await get(`${origin}/ready`, keepAlive)
  t.equal(reused.status, 503, 'a request on a kept-alive connection too')
  t.equal(reused.connection, 'close', 'and that connection ends with the reply')
  t.equal((await get(`${origin}/health`, false)).status, 503, 'no route takes new work while closing')

  releaseClose()
  await closed
  await t.rejects(get(`${origin}/ready`, false), { code: 'ECONNREFUSED' }, 'closed: connections refused')
})

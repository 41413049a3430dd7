import { request } from 'node:http'
import t from 'tap'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'
import { buildDist, runToExit, startServer } from '../e2e/server-process.js'
import { client } from './client.js'

const WORKERS = 2
/** Requests on fresh connections: the primary deals connections round-robin, so both workers get some. */
const REQUESTS = 20

t.before(buildDist)

/** One request on its own connection (no keep-alive), so each may go to another worker. */
function helloOnNewConnection (url: string, accessToken: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/protected/hello`, { agent: false, headers: { authorization: `Bearer ${accessToken}`, connection: 'close' } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

const pidOf = (line: string) => (JSON.parse(line) as { pid: number }).pid
const LISTENING_PORT = /127\.0\.0\.1:(\d+)/
const isAlive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const database = await freshMysqlDatabase(t, serverUrl)

  t.test('WEB_CONCURRENCY=2 - should run two workers on one port that share tokens, and stop them all on SIGTERM', async (t) => {
    // No JWT_SECRET: the primary makes one for all workers, or a worker would refuse the others' tokens.
    const server = await startServer({ STORAGE_URL: database.url, WEB_CONCURRENCY: String(WORKERS), RATE_LIMIT_AUTH_MAX: '0' }, { ready: /cluster: 2 workers listening/ })
    t.teardown(() => server.stop('SIGKILL'))
    const listening = await server.waitForLines(/Server listening at/, WORKERS)
    const workerPids = new Set(listening.map(pidOf))
    t.equal(workerPids.size, WORKERS, 'two worker processes')
    t.equal(new Set(listening.map((line) => LISTENING_PORT.exec(line)?.[1])).size, 1, 'listening on one port')

    const http = client(server.url)
    const username = `cluster_${process.pid}`
    t.equal((await http.register(username)).status, 201)
    const { access_token: accessToken } = await http.pair(username)
    const statuses = []
    for (let i = 0; i < REQUESTS; i++) statuses.push(await helloOnNewConnection(server.url, accessToken))
    t.same(statuses, Array(REQUESTS).fill(200), 'every worker accepts a token signed by any worker')
    const served = await server.waitForLines(/"url":"\/protected\/hello".*"msg":"incoming request"/, REQUESTS)
    t.equal(new Set(served.map(pidOf).filter((pid) => workerPids.has(pid))).size, WORKERS, 'both workers answered requests')

    t.equal(await server.stop('SIGTERM'), 0, 'the primary exits 0 once the workers have closed')
    t.same([...workerPids].filter(isAlive), [], 'no worker is left running')
    t.match(server.logLines.join('\n'), /JWT_SECRET is not set/, 'the primary warns about the generated secret')
  })

  t.test('WEB_CONCURRENCY=2 - should replace a worker killed with SIGKILL, on the same port, and keep answering', async (t) => {
    const server = await startServer({ STORAGE_URL: database.url, WEB_CONCURRENCY: String(WORKERS), RATE_LIMIT_AUTH_MAX: '0' }, { ready: /cluster: 2 workers listening/ })
    t.teardown(() => server.stop('SIGKILL'))
    const [victim, survivor] = (await server.waitForLines(/Server listening at/, WORKERS)).map(pidOf) as [number, number]

    process.kill(victim, 'SIGKILL')
    t.match(JSON.parse(await server.waitForLine(/cluster: a worker died; starting a replacement/)), { worker: victim, signal: 'SIGKILL' })
    const listening = await server.waitForLines(/Server listening at/, WORKERS + 1)
    const replacement = pidOf(listening[WORKERS] as string)
    t.not(replacement, victim, 'a new worker process')
    t.not(replacement, survivor)
    t.equal(new Set(listening.map((line) => LISTENING_PORT.exec(line)?.[1])).size, 1, 'the replacement listens on the same port')
    await server.waitForLines(/cluster: 2 workers listening/, 2)
    t.notOk(isAlive(victim), 'the killed worker is gone')

    const http = client(server.url)
    const username = `cluster_replaced_${process.pid}`
    t.equal((await http.register(username)).status, 201)
    const { access_token: accessToken } = await http.pair(username)
    const statuses = []
    for (let i = 0; i < REQUESTS; i++) statuses.push(await helloOnNewConnection(server.url, accessToken))
    t.same(statuses, Array(REQUESTS).fill(200), 'every request answered')
    const served = new Set((await server.waitForLines(/"url":"\/protected\/hello".*"msg":"incoming request"/, REQUESTS)).map(pidOf))
    t.ok(served.has(replacement) && served.has(survivor), 'the replacement and the surviving worker both answer')

    t.equal(await server.stop('SIGTERM'), 0, 'the primary still closes cleanly')
    t.same([survivor, replacement].filter(isAlive), [], 'no worker is left running')
  })
})

t.test('WEB_CONCURRENCY=2 with memory:// - should refuse to start and say why', async (t) => {
  const { code, output } = await runToExit({ WEB_CONCURRENCY: '2', STORAGE_URL: 'memory://' })
  t.equal(code, 1)
  t.match(output, /Refusing to start: WEB_CONCURRENCY=2 needs shared storage/)
  t.match(output, /memory:\/\/ keeps users, sessions and revocations in each process's own memory/)
  t.notMatch(output, /Server listening/, 'no worker was started')
})

t.test('WEB_CONCURRENCY=0 - should be refused by the schema, naming the variable', async (t) => {
  const { code, output } = await runToExit({ WEB_CONCURRENCY: '0' })
  t.equal(code, 1)
  t.match(output, /WEB_CONCURRENCY/)
})

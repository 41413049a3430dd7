import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, connect, type AddressInfo, type Server } from 'node:net'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import t from 'tap'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'
import { buildDist, distDir, SERVER_CWD } from './server-process.js'

t.before(buildDist)

interface Run { code: number | null, stdout: string[], stderr: string[] }

/** The real server process with `env`; `onStdout` sees each log line as it comes. */
async function run (env: Record<string, string>, onStdout: (line: string) => void = () => {}): Promise<Run> {
  const child = spawn(process.execPath, [join(distDir(), 'server.js')], {
    cwd: SERVER_CWD,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const result: Run = { code: null, stdout: [], stderr: [] }
  createInterface({ input: child.stdout }).on('line', (line) => { result.stdout.push(line); onStdout(line) })
  createInterface({ input: child.stderr }).on('line', (line) => result.stderr.push(line))
  const exited = once(child, 'exit')
  const closed = Promise.all([once(child.stdout, 'close'), once(child.stderr, 'close')])
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  result.code = (await exited)[0] as number | null
  await closed
  return result
}

/** A port nothing listens on: bound, then released. */
async function closedPort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

const STACK_LINE = /^\s+at /

t.test('refusals - a bad value: one line naming the variable and what it accepts, no stack', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: '1e3' }, 'Refusing to start: Invalid environment variable PORT: must be a whole number in digits, like 3000 (got "1e3")'],
    [{ PORT: '3000.5' }, 'Refusing to start: Invalid environment variable PORT: must be a whole number in digits, like 3000 (got "3000.5")'],
    [{ JWT_ALGORITHM: 'HS512' }, 'Refusing to start: Invalid environment variable JWT_ALGORITHM: must be one of HS256, EdDSA, ES256, RS256 (got "HS512")'],
    [{ STORAGE_URL: 'redis://127.0.0.1' }, 'Refusing to start: Invalid environment variable STORAGE_URL: unknown scheme "redis:" (expected sqlite://./data/auth.db, memory://, mysql://user:pass@host:3306/db, postgres://user:pass@host:5432/db, mongodb://host:27017/db or mongodb+srv://cluster.example.net/db)'],
    [{ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEYS: '/nonexistent/key.pem' }, 'Refusing to start: JWT_PRIVATE_KEYS: /nonexistent/key.pem is not a readable key file or directory']
  ]
  for (const [env, line] of cases) {
    const { code, stderr } = await run(env)
    t.equal(code, 1, JSON.stringify(env))
    t.equal(stderr[0], line)
    t.equal(stderr.filter((text) => STACK_LINE.test(text)).length, 0, 'no stack trace')
  }
})

t.test('refusals - the stack is printed after the line at LOG_LEVEL=debug', async (t) => {
  const { stderr } = await run({ STORAGE_URL: 'redis://127.0.0.1', LOG_LEVEL: 'debug' })
  t.match(stderr[0], /^Refusing to start: Invalid environment variable STORAGE_URL: unknown scheme/)
  t.ok(stderr.some((text) => STACK_LINE.test(text)), 'stack printed')
})

t.test('refusals - a database that never answers is retried, each attempt logged, then refused', async (t) => {
  const port = await closedPort()
  const { code, stdout, stderr } = await run({ STORAGE_URL: `mysql://app:s3cret-pass@127.0.0.1:${port}/auth`, STORAGE_CONNECT_TIMEOUT_MS: '1000' })
  t.equal(code, 1)
  t.match(stderr[0], new RegExp(`^Refusing to start: STORAGE_URL=mysql://\\*\\*\\*:\\*\\*\\*@127\\.0\\.0\\.1:${port}/auth: no database answered \\(ECONNREFUSED\\) in \\d+ attempt\\(s\\) over \\d+ s: start the database, or fix the host and port in STORAGE_URL \\(STORAGE_CONNECT_TIMEOUT_MS sets how long to wait\\)$`))
  const retries = stdout.filter((line) => line.includes('storage: database not reachable yet, retrying'))
  t.ok(retries.length >= 2, `each attempt logged (${retries.length})`)
  t.match(retries[0], /"attempt":1,"code":"ECONNREFUSED","retryInMs":250/)
  t.notMatch([...stdout, ...stderr].join('\n'), /s3cret-pass/, 'the password is never shown')
})

t.test('refusals - MongoDB that never answers: retried, then the same refusal', async (t) => {
  const port = await closedPort()
  const { code, stdout, stderr } = await run({ STORAGE_URL: `mongodb://127.0.0.1:${port}/auth`, STORAGE_TIMEOUT_MS: '200', STORAGE_CONNECT_TIMEOUT_MS: '1000' })
  t.equal(code, 1)
  t.match(stderr[0], new RegExp(`^Refusing to start: STORAGE_URL=mongodb://127\\.0\\.0\\.1:${port}/auth: no database answered \\(ECONNREFUSED\\) in \\d+ attempt\\(s\\) over \\d+ s`))
  t.ok(stdout.some((line) => line.includes('storage: database not reachable yet, retrying')), 'attempts logged')
})

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const server = new URL(serverUrl)
  const withDatabase = (database: string, credentials = server.username) => `mysql://${credentials}@${server.host}/${database}`

  t.test('refusals - wrong database password', async (t) => {
    const { code, stderr, stdout } = await run({ STORAGE_URL: withDatabase('auth', `${server.username}:not-the-password`) })
    t.equal(code, 1)
    t.equal(stderr[0], `Refusing to start: STORAGE_URL=mysql://***:***@${server.host}/auth: the database refused the user name or password: fix the credentials in STORAGE_URL (user:password@host, special characters percent-encoded)`)
    t.equal(stderr.filter((text) => STACK_LINE.test(text)).length, 0, 'no stack trace')
    t.notMatch([...stdout, ...stderr].join('\n'), /not-the-password/)
  })

  t.test('refusals - unknown database', async (t) => {
    const name = `auth_missing_${process.pid}`
    const { code, stderr } = await run({ STORAGE_URL: withDatabase(name) })
    t.equal(code, 1)
    const shown = server.username === '' ? '' : '***:***@'
    t.equal(stderr[0], `Refusing to start: STORAGE_URL=mysql://${shown}${server.host}/${name}: database ${name} does not exist: create it: CREATE DATABASE ${name}`)
  })

  t.test('refusals - a database that comes up during the wait is used', async (t) => {
    const { url } = await freshMysqlDatabase(t, serverUrl)
    const port = await closedPort()
    const target = new URL(url)
    let forwarder: Server | undefined
    t.teardown(() => forwarder?.close())
    const started = run({ STORAGE_URL: `mysql://${target.username}@127.0.0.1:${port}${target.pathname}`, STORAGE_CONNECT_TIMEOUT_MS: '60000' }, (line) => {
      if (line.includes('not reachable yet') && forwarder === undefined) {
        // The database "starts": its port begins to answer.
        forwarder = createServer((client) => {
          const upstream = connect(Number(target.port || 3306), target.hostname)
          client.pipe(upstream).pipe(client)
          client.on('error', () => upstream.destroy())
          upstream.on('error', () => client.destroy())
        }).listen(port, '127.0.0.1')
      }
      if (line.includes('Server listening at')) process.kill(childPid(line), 'SIGTERM')
    })
    const { code, stdout } = await started
    t.equal(code, 0, 'started, then stopped by the test')
    t.ok(stdout.some((line) => line.includes('not reachable yet')), 'waited')
    t.ok(stdout.some((line) => line.includes('storage ready')), 'then connected')
  })
})

function childPid (line: string): number {
  return Number((/"pid":(\d+)/.exec(line) as RegExpExecArray)[1])
}

withDatabaseServer(t, 'POSTGRES_URL', async (t, serverUrl) => {
  const server = new URL(serverUrl)

  t.test('refusals - unknown PostgreSQL database', async (t) => {
    const name = `auth_missing_${process.pid}`
    const { code, stderr } = await run({ STORAGE_URL: `postgres://${server.username}@${server.host}/${name}` })
    t.equal(code, 1)
    const shown = server.username === '' ? '' : '***:***@'
    t.equal(stderr[0], `Refusing to start: STORAGE_URL=postgres://${shown}${server.host}/${name}: database ${name} does not exist: create it: CREATE DATABASE ${name}`)
    t.equal(stderr.filter((text) => STACK_LINE.test(text)).length, 0, 'no stack trace')
  })

  t.test('refusals - PostgreSQL that never answers', async (t) => {
    const port = await closedPort()
    const { code, stderr } = await run({ STORAGE_URL: `postgres://app:s3cret-pass@127.0.0.1:${port}/auth`, STORAGE_CONNECT_TIMEOUT_MS: '1000' })
    t.equal(code, 1)
    t.match(stderr[0], new RegExp(`^Refusing to start: STORAGE_URL=postgres://\\*\\*\\*:\\*\\*\\*@127\\.0\\.0\\.1:${port}/auth: no database answered \\(ECONNREFUSED\\)`))
    t.notMatch(stderr.join('\n'), /s3cret-pass/)
  })
})

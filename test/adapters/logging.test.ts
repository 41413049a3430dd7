import { randomBytes } from 'node:crypto'
import net from 'node:net'
import mysql from 'mysql2/promise'
import t from 'tap'
import { build } from '../helper.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`

/** A local port nothing listens on: connecting to it is refused at once. */
async function refusedPort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  t.test('start-up - should log the storage target with its credentials masked', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const user = `auth_log_${randomBytes(4).toString('hex')}`
    const admin = await mysql.createConnection({ uri: serverUrl })
    t.teardown(async () => {
      await admin.query(`DROP USER IF EXISTS ${mysql.escape(user)}@'%'`)
      await admin.end()
    })
    await admin.query(`CREATE USER ${mysql.escape(user)}@'%' IDENTIFIED BY ${mysql.escape(PASSWORD)}`)
    await admin.query(`GRANT ALL ON ${mysql.escapeId(database.name)}.* TO ${mysql.escape(user)}@'%'`)

    const url = new URL(database.url)
    url.username = user
    url.password = PASSWORD
    const logLines: string[] = []
    await build(t, { env: { STORAGE_URL: url.href }, logLines })
    const ready = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'storage ready')
    t.match(ready, { storage: 'mysql', target: `mysql://***:***@${url.host}/${database.name}` })
    t.notOk(logLines.some((line) => line.includes(PASSWORD) || line.includes(user)), 'neither the password nor the user name is logged')
  })
})

for (const scheme of ['mysql', 'mongodb']) {
  t.test(`start-up - should fail on an unreachable ${scheme} server without showing its credentials`, async (t) => {
    const port = await refusedPort()
    const logLines: string[] = []
    const env = { STORAGE_URL: `${scheme}://someone:${PASSWORD}@127.0.0.1:${port}/authdb`, STORAGE_TIMEOUT_MS: '300' }
    const error = await build(t, { env, logLines }).then(() => null, (error: unknown) => error)
    t.type(error, Error, 'the server does not start')
    t.notOk(String((error as Error).stack).includes(PASSWORD) || JSON.stringify(error).includes(PASSWORD), 'the error names no password')
    t.notOk(logLines.some((line) => line.includes(PASSWORD)), 'no log line names the password')
  })
}

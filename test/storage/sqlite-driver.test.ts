import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { defaultSqliteDriver, openSqlite, withoutSqliteWarning, type SqliteDriverName } from '../../services/storage/sql/sqlite-driver.js'
import { sqliteDrivers } from './sqlite-drivers.js'

const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-driver-'))
t.teardown(() => rmSync(folder, { recursive: true, force: true }))

t.test('openSqlite - should load node:sqlite without printing its ExperimentalWarning', async (t) => {
  // First in this file: the module loads (and would warn) at the first open.
  const warnings: Error[] = []
  const listen = (warning: Error) => warnings.push(warning)
  process.on('warning', listen)
  t.teardown(() => { process.off('warning', listen) })
  const { database } = await openSqlite(':memory:', { busyTimeoutMs: 1000 })
  database.close()
  await new Promise((resolve) => setImmediate(resolve)) // warnings are emitted on the next tick
  t.same(warnings.map((warning) => warning.message), [])
  const nodeSqlite = withoutSqliteWarning(() => process.getBuiltinModule?.('node:sqlite') as { StatementSync: { prototype: object } } | undefined)
  t.equal(defaultSqliteDriver(), nodeSqlite !== undefined && 'columns' in nodeSqlite.StatementSync.prototype ? 'node:sqlite' : 'better-sqlite3',
    'node:sqlite wherever this Node.js has all of it')
})

t.test('withoutSqliteWarning - should silence only node:sqlite\'s warning', async (t) => {
  // A recorder in place of process.emitWarning: what the filter passes on, without printing it.
  const passed: string[] = []
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string, type: string) => { passed.push(`${type}: ${warning}`) }) as typeof process.emitWarning
  t.teardown(() => { process.emitWarning = emitWarning })
  withoutSqliteWarning(() => {
    process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning')
    process.emitWarning('Something else is an experimental feature', 'ExperimentalWarning')
    process.emitWarning('SQLite is an experimental feature (but a deprecation)', 'DeprecationWarning')
  })
  process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning')
  t.same(passed, [
    'ExperimentalWarning: Something else is an experimental feature',
    'DeprecationWarning: SQLite is an experimental feature (but a deprecation)',
    'ExperimentalWarning: SQLite is an experimental feature and might change at any time'
  ], 'other warnings, and the same one outside the load, pass')
})

for (const driver of await sqliteDrivers()) {
  t.test(`openSqlite with ${driver} - should create the folder and file, in WAL mode, with the store's settings`, async (t) => {
    const path = join(folder, driver.replace(/\W/g, '-'), 'nested', 'auth.db')
    const { database, driver: opened } = await openSqlite(path, { busyTimeoutMs: 1234, driver })
    t.teardown(() => database.close())
    t.equal(opened, driver)
    t.ok(existsSync(path), 'file and folders created')
    const pragma = (name: string) => database.prepare(`PRAGMA ${name}`).all([])[0]
    t.same(pragma('journal_mode'), { journal_mode: 'wal' })
    t.same(pragma('synchronous'), { synchronous: 1 }, 'NORMAL')
    t.same(pragma('foreign_keys'), { foreign_keys: 1 })
    t.same(pragma('busy_timeout'), { timeout: 1234 })
  })

  t.test(`openSqlite with ${driver} - should bind dates as epoch milliseconds and report changes`, async (t) => {
    const { database } = await openSqlite(':memory:', { busyTimeoutMs: 1000, driver })
    t.teardown(() => database.close())
    database.prepare('CREATE TABLE times (at INTEGER NOT NULL, flag INTEGER NOT NULL) STRICT').run([])
    const insert = database.prepare('INSERT INTO times (at, flag) VALUES (?, ?)')
    t.equal(insert.reader, false)
    t.equal(Number(insert.run([new Date('2030-01-01T00:00:00.000Z'), true]).changes), 1)
    const select = database.prepare('SELECT at, flag FROM times')
    t.equal(select.reader, true)
    t.same(select.all([]).map((row) => ({ ...row as object })), [{ at: Date.parse('2030-01-01T00:00:00.000Z'), flag: 1 }])
    t.equal(database.prepare('DELETE FROM times RETURNING at').reader, true, 'RETURNING makes a statement a reader')
  })
}

t.test('sqliteDrivers - should include better-sqlite3 where no node:sqlite serves (Node.js 20)', async (t) => {
  const drivers: SqliteDriverName[] = await sqliteDrivers()
  t.ok(drivers.includes(defaultSqliteDriver()), 'the default driver is tested')
})

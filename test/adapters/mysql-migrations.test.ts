import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise'
import t from 'tap'
import { mysqlPoolOptions } from '../../services/storage/driver-options.js'
import { MIGRATIONS, migrateMysql, migrationLockName } from '../../services/storage/mysql-migrations.js'
import { freshMysqlDatabase, withDatabaseServer } from '../storage/databases.js'

const settings = { poolSize: 2, timeoutMs: 5000 }

async function schemaOf (pool: Pool): Promise<string[]> {
  const [tables] = await pool.query<RowDataPacket[]>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name')
  const definitions: string[] = []
  for (const { name } of tables) {
    const [[row]] = await pool.query<RowDataPacket[]>(`SHOW CREATE TABLE ${mysql.escapeId(String(name))}`)
    definitions.push(String(row?.['Create Table']))
  }
  return definitions
}

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const newPool = (url: string) => {
    const pool = mysql.createPool(mysqlPoolOptions(url, settings))
    t.teardown(() => pool.end())
    return pool
  }

  t.test('migrateMysql - should apply each migration once when two instances start together, and nothing on a restart', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const [first, second] = [newPool(database.url), newPool(database.url)]
    const applied = await Promise.all([migrateMysql(first, { database: database.name }), migrateMysql(second, { database: database.name })])
    t.same(applied.flat(), MIGRATIONS.map((migration) => migration.version), 'between them, every version applied exactly once')
    const [recorded] = await first.query<RowDataPacket[]>('SELECT version, name FROM schema_migrations ORDER BY version')
    t.same(recorded.map((row) => row.version), MIGRATIONS.map((migration) => migration.version))

    const schema = await schemaOf(first)
    // Sorted here: information_schema's collation orders '_' differently on the two servers.
    t.same(schema.map((definition) => /^CREATE TABLE `(\w+)`/.exec(definition)?.[1]).sort(),
      ['audit_events', 'login_failure_keys', 'login_failures', 'refresh_tokens', 'revocations', 'schema_migrations', 'sessions', 'users'])
    t.ok(schema.every((definition) => /ENGINE=InnoDB/.test(definition) && /utf8mb4_bin/.test(definition)), 'InnoDB, utf8mb4 with exact comparisons')
    t.same(await migrateMysql(first, { database: database.name }), [], 'a restart has nothing to apply')
    t.same(await schemaOf(first), schema, 'and changes nothing')
  })

  t.test('migrateMysql - should upgrade a version 1 database, keeping its users (disabled_at NULL)', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const pool = newPool(database.url)
    t.same(await migrateMysql(pool, { database: database.name, migrations: MIGRATIONS.slice(0, 1) }), [1])
    await pool.execute('INSERT INTO users (id, username, username_normalized, email, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ['00000000-0000-4000-8000-000000000001', 'Old', 'old', null, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', '["user"]', new Date()])
    t.same(await migrateMysql(pool, { database: database.name }), MIGRATIONS.slice(1).map((migration) => migration.version))
    const [[user]] = await pool.query<RowDataPacket[]>('SELECT username, disabled_at FROM users')
    t.same(user, { username: 'Old', disabled_at: null })
  })

  t.test('migrateMysql - should rerun a migration that was applied but not recorded (a crash in between) harmlessly', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const pool = newPool(database.url)
    await migrateMysql(pool, { database: database.name })
    const schema = await schemaOf(pool)
    const latest = MIGRATIONS.at(-1)?.version as number
    await pool.execute('DELETE FROM schema_migrations WHERE version = ?', [latest])
    t.same(await migrateMysql(pool, { database: database.name }), [latest], 'the statements ran again without an error')
    t.same(await schemaOf(pool), schema, 'and changed nothing')
  })

  t.test('migrateMysql - should release the lock when a migration fails, so the next start can proceed', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const pool = newPool(database.url)
    const broken = [{ version: 1, name: 'broken', statements: ['CREATE TABLE oops (id INT PRIMARY KEY) ENGINE=InnoDB', 'THIS IS NOT SQL'] }]
    await t.rejects(migrateMysql(pool, { database: database.name, migrations: broken }))
    t.same(await migrateMysql(pool, { database: database.name, lockWaitSeconds: 2 }), MIGRATIONS.map((migration) => migration.version), 'the real migrations run afterwards')
  })

  t.test('migrationLockName - should stay within the 64 characters GET_LOCK takes on MySQL 8', async (t) => {
    t.equal(migrationLockName('authdb'), 'authdb.migrations')
    const long = migrationLockName('d'.repeat(64))
    t.ok(long.length <= 64)
    t.not(long, migrationLockName(`${'d'.repeat(63)}e`), 'different databases get different locks')
  })
})

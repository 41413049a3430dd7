import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { sql, type Kysely } from 'kysely'
import mysql from 'mysql2'
import pg from 'pg'
import t, { type Test } from 'tap'
import { mysqlPoolOptions, postgresPoolOptions } from '../../services/storage/driver-options.js'
import { migrateSql } from '../../services/storage/sql/migrate.js'
import { mysqlLockName } from '../../services/storage/sql/mysql.js'
import { mysqlDatabase, openSqlStore, postgresDatabase, sqliteDatabase, type SqlDatabase } from '../../services/storage/sql/open.js'
import { MIGRATIONS } from '../../services/storage/sql/schema.js'
import { freshMysqlDatabase, freshPostgresDatabase, withDatabaseServer, type DatabaseVariable } from '../storage/databases.js'

const settings = { poolSize: 2, timeoutMs: 5000 }
const VERSIONS = MIGRATIONS.map((migration) => migration.version)

/** A fresh database of one dialect, and a way to open another instance's connection to it. */
interface Subject {
  name: string
  open: () => Promise<SqlDatabase>
  schema: (db: Kysely<unknown>) => Promise<unknown[]>
  /** Two instances migrating at once: what each applied. */
  migrateTogether: () => Promise<number[][]>
}

const migrate = (name: string) => ({ db, dialect }: SqlDatabase) => migrateSql(db as Kysely<unknown>, dialect, { database: name, migrations: MIGRATIONS })
/** Two instances of a server database, each with its own pool. */
const twoPools = (name: string, open: () => Promise<SqlDatabase>) => async () => await Promise.all([migrate(name)(await open()), migrate(name)(await open())])

/** Migrates a SQLite file from a thread of its own (sqlite-migrate-worker.ts). */
function migrateInWorker (path: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./sqlite-migrate-worker.ts', import.meta.url), { workerData: { path } })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

const rows = async (db: Kysely<unknown>, query: string) => (await sql.raw<Record<string, unknown>>(query).execute(db)).rows

const SUBJECTS: Array<{ dialect: string, variable?: DatabaseVariable, fresh: (t: Test, serverUrl: string) => Promise<Subject> }> = [
  {
    dialect: 'sqlite',
    fresh: async (t) => {
      const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-migrations-'))
      t.teardown(() => rmSync(folder, { recursive: true, force: true }))
      const open = async () => {
        const database = await sqliteDatabase(join(folder, 'auth.db'), { busyTimeoutMs: 5000 })
        t.teardown(() => database.db.destroy())
        return database
      }
      const path = join(folder, 'auth.db')
      // Two threads: a SQLite busy wait blocks its thread, so two instances in one thread would wait on each other.
      const migrateTogether = () => Promise.all([migrateInWorker(path), migrateInWorker(path)])
      return { name: 'auth', open, schema: (db) => rows(db, 'SELECT name, sql FROM sqlite_master ORDER BY name'), migrateTogether }
    }
  },
  {
    dialect: 'mysql',
    variable: 'MYSQL_URL',
    fresh: async (t, serverUrl) => {
      const database = await freshMysqlDatabase(t, serverUrl)
      const open = async () => {
        const pool = mysql.createPool(mysqlPoolOptions(database.url, settings))
        t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
        return mysqlDatabase(pool)
      }
      const schema = async (db: Kysely<unknown>) => {
        const tables = await rows(db, 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')
        const names = tables.map((table) => String(table.name)).sort()
        return await Promise.all(names.map(async (name) => (await rows(db, `SHOW CREATE TABLE \`${name}\``))[0]?.['Create Table']))
      }
      return { name: database.name, open, schema, migrateTogether: twoPools(database.name, open) }
    }
  },
  {
    dialect: 'postgres',
    variable: 'POSTGRES_URL',
    fresh: async (t, serverUrl) => {
      const database = await freshPostgresDatabase(t, serverUrl)
      const open = async () => {
        const pool = new pg.Pool(postgresPoolOptions(database.url, settings))
        pool.on('error', () => {}) // the database is dropped WITH (FORCE) before the pool ends
        t.teardown(() => pool.end())
        return postgresDatabase(pool)
      }
      const schema = async (db: Kysely<unknown>) => [
        ...await rows(db, 'SELECT table_name, column_name, data_type, collation_name, is_nullable FROM information_schema.columns WHERE table_schema = \'public\' ORDER BY 1, 2'),
        ...await rows(db, 'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = \'public\' ORDER BY 1')
      ]
      return { name: database.name, open, schema, migrateTogether: twoPools(database.name, open) }
    }
  }
]

for (const { dialect, variable, fresh } of SUBJECTS) {
  const body = async (t: Test, serverUrl: string) => {
    t.test(`migrateSql on ${dialect} - should apply each migration once when two instances start together, and nothing on a restart`, async (t) => {
      const subject = await fresh(t, serverUrl)
      const applied = await subject.migrateTogether()
      t.same(applied.flat(), VERSIONS, 'between them, every version applied exactly once')
      const first = await subject.open()
      const db = first.db as Kysely<unknown>
      t.same((await rows(db, 'SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row.version)), VERSIONS)
      const schema = await subject.schema(db)
      t.same(await migrate(subject.name)(first), [], 'a restart has nothing to apply')
      t.same(await subject.schema(db), schema, 'and changes nothing')
    })

    t.test(`migrateSql on ${dialect} - should release the lock when a migration fails, so the next start can proceed`, async (t) => {
      const subject = await fresh(t, serverUrl)
      const { db, dialect } = await subject.open()
      const broken = [{ version: 1, name: 'broken', steps: { [dialect.name]: ['CREATE TABLE oops (id INT PRIMARY KEY)', 'THIS IS NOT SQL'] } }]
      await t.rejects(migrateSql(db as Kysely<unknown>, dialect, { database: subject.name, migrations: broken }))
      if (dialect.name !== 'mysql') {
        // MySQL commits DDL as it goes; the others apply a migration with its record or not at all.
        await t.resolves(sql.raw('CREATE TABLE oops (id INT PRIMARY KEY)').execute(db), 'the failed migration left no table behind')
      }
      const other = await subject.open()
      t.same(await migrateSql(other.db as Kysely<unknown>, other.dialect, { database: subject.name, migrations: MIGRATIONS }), VERSIONS, 'the real migrations run afterwards')
    })
  }
  if (variable === undefined) t.test(`with ${dialect}`, (t) => body(t, ''))
  else withDatabaseServer(t, variable, body)
}

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  t.test('migrateSql on mysql - should upgrade a database made by release 1.0 in place, keeping its users and sessions', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const setup = mysql.createConnection({ uri: database.url, multipleStatements: true, timezone: 'Z' }).promise()
    await setup.query(readFileSync(new URL('../fixtures/storage/mysql-release-1.0.sql', import.meta.url), 'utf8'))
    const createdAt = new Date('2026-11-01T10:00:00.000Z')
    await setup.query('INSERT INTO users (id, username, username_normalized, email, password_hash, roles, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ['00000000-0000-4000-8000-000000000001', 'Old', 'old', null, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', '["user"]', createdAt])
    await setup.query('INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ['00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000000001', createdAt, createdAt, new Date('2099-01-01T00:00:00.000Z')])
    await setup.query('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)', ['a'.repeat(64), '00000000-0000-4000-8000-0000000000aa', createdAt])
    await setup.end()

    const pool = mysql.createPool(mysqlPoolOptions(database.url, settings))
    t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
    const { store, applied } = await openSqlStore(mysqlDatabase(pool), { database: database.name, timeoutMs: 5000 })
    t.same(applied, VERSIONS.filter((version) => version > 3), 'only the versions after release 1.0')
    t.match(await store.findUserByUsername('old'), { username: 'Old', roles: ['user'], createdAt, disabledAt: null })
    const now = new Date()
    t.equal(await store.rotateRefreshToken({ sessionId: '00000000-0000-4000-8000-0000000000aa', currentHash: 'a'.repeat(64), nextHash: 'b'.repeat(64), now, expiresAt: new Date(now.getTime() + 60_000), keepRotated: 5 }), true,
      'the old session rotates its refresh token')
  })

  t.test('mysqlLockName - should stay within the 64 characters GET_LOCK takes on MySQL 8', async (t) => {
    t.equal(mysqlLockName('authdb.schema_migrations'), 'authdb.schema_migrations')
    const long = mysqlLockName(`${'d'.repeat(64)}.schema_migrations`)
    t.ok(long.length <= 64)
    t.not(long, mysqlLockName(`${'d'.repeat(63)}e.schema_migrations`), 'different databases get different locks')
  })
})

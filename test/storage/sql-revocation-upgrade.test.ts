import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import mysql from 'mysql2'
import pg from 'pg'
import t, { type Test } from 'tap'
import { mysqlPoolOptions, postgresPoolOptions } from '../../services/storage/driver-options.js'
import { migrateSql } from '../../services/storage/sql/migrate.js'
import { mysqlDatabase, openSqlStore, postgresDatabase, sqliteDatabase, type SqlDatabase } from '../../services/storage/sql/open.js'
import { MIGRATIONS } from '../../services/storage/sql/schema.js'
import { freshMysqlDatabase, freshPostgresDatabase, withDatabaseServer } from './databases.js'

/** Migration 4 on a database that already holds revocations (made by a release before it). */
async function upgradeCase (t: Test, sql: SqlDatabase, name: string): Promise<void> {
  t.same(await migrateSql(sql.db as Kysely<unknown>, sql.dialect, { database: name, migrations: MIGRATIONS.filter((migration) => migration.version < 4) }), [1, 2, 3])
  const now = new Date()
  const expires = new Date(now.getTime() + 3600_000)
  const existing = [0, 1, 2].map((i) => ({ sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - i * 1000), expiresAt: expires }))
  for (const r of existing) {
    await sql.db.insertInto('revocations').values({ session_id: r.sessionId, user_id: r.userId, revoked_at: r.revokedAt, expires_at: r.expiresAt }).execute()
  }
  const { store, applied } = await openSqlStore(sql, { database: name, timeoutMs: 5000 })
  t.same(applied, MIGRATIONS.map((migration) => migration.version).filter((version) => version >= 4), 'migration 4 and the later ones')
  const loaded = await store.listRevocationsAfter(0, now)
  t.same(new Set(loaded.revocations.map((r) => r.sessionId)), new Set(existing.map((r) => r.sessionId)), 'every existing record, numbered')
  const added = { sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - 60_000), expiresAt: expires }
  await store.recordRevocations([added])
  t.same((await store.listRevocationsAfter(loaded.cursor, now)).revocations, [added], 'a new record comes after them')
}

const NAME = 'migration 4 - should number the revocations of an existing database in place, and new ones after them'

t.test(`${NAME} (SQLite)`, async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-upgrade-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const sql = await sqliteDatabase(join(folder, 'auth.db'), { busyTimeoutMs: 5000 })
  t.teardown(() => sql.db.destroy())
  await upgradeCase(t, sql, 'auth')
})

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  t.test(NAME, async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const pool = mysql.createPool(mysqlPoolOptions(database.url, { poolSize: 2, timeoutMs: 5000 }))
    t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
    await upgradeCase(t, mysqlDatabase(pool), database.name)
  })
})

withDatabaseServer(t, 'POSTGRES_URL', async (t, serverUrl) => {
  t.test(NAME, async (t) => {
    const database = await freshPostgresDatabase(t, serverUrl)
    const pool = new pg.Pool(postgresPoolOptions(database.url, { poolSize: 2, timeoutMs: 5000 }))
    pool.on('error', () => {}) // the database is dropped WITH (FORCE) before the pool ends
    t.teardown(() => pool.end())
    await upgradeCase(t, postgresDatabase(pool), database.name)
  })
})

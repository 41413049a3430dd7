import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2'
import pg from 'pg'
import type { Test } from 'tap'
import { mysqlPoolOptions, postgresPoolOptions } from '../../services/storage/driver-options.js'
import { mysqlDatabase, postgresDatabase, sqliteDatabase, type SqlDatabase } from '../../services/storage/sql/open.js'
import { freshMysqlDatabase, freshPostgresDatabase, withDatabaseServer } from './databases.js'

/**
 * Runs one migration-upgrade case on a fresh database of each SQL dialect: a SQLite file, and a
 * fresh MySQL and PostgreSQL database when their servers are configured (see withDatabaseServer).
 */
export function forEachSqlDialect (t: Test, name: string, upgradeCase: (t: Test, sql: SqlDatabase, databaseName: string) => Promise<void>): void {
  t.test(`${name} (SQLite)`, async (t) => {
    const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-upgrade-'))
    t.teardown(() => rmSync(folder, { recursive: true, force: true }))
    const sql = await sqliteDatabase(join(folder, 'auth.db'), { busyTimeoutMs: 5000 })
    t.teardown(() => sql.db.destroy())
    await upgradeCase(t, sql, 'auth')
  })

  withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
    t.test(name, async (t) => {
      const database = await freshMysqlDatabase(t, serverUrl)
      const pool = mysql.createPool(mysqlPoolOptions(database.url, { poolSize: 2, timeoutMs: 5000 }))
      t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
      await upgradeCase(t, mysqlDatabase(pool), database.name)
    })
  })

  withDatabaseServer(t, 'POSTGRES_URL', async (t, serverUrl) => {
    t.test(name, async (t) => {
      const database = await freshPostgresDatabase(t, serverUrl)
      const pool = new pg.Pool(postgresPoolOptions(database.url, { poolSize: 2, timeoutMs: 5000 }))
      pool.on('error', () => {}) // the database is dropped WITH (FORCE) before the pool ends
      t.teardown(() => pool.end())
      await upgradeCase(t, postgresDatabase(pool), database.name)
    })
  })
}

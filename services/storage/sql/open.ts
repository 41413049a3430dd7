import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely'
import type { Pool as MysqlCallbackPool } from 'mysql2'
import type { Pool as PgPool } from 'pg'
import type { Store } from '../types.js'
import type { SqlDialect } from './dialect.js'
import { migrateSql, type MigrateOptions } from './migrate.js'
import { mysqlDialect, operationMysqlPool } from './mysql.js'
import { operationPostgresPool, postgresDialect } from './postgres.js'
import { createSqlRunner, type SqlRunner } from './runner.js'
import { MIGRATIONS } from './schema.js'
import { sqliteDialect } from './sqlite.js'
import { openSqlite, type SqliteDriverName } from './sqlite-driver.js'
import { createSqlStore } from './store.js'
import type { Tables } from './tables.js'

/*
 * Kysely over each database, and the store on top. The same Kysely instance is what a module of
 * your own queries through (fastify.sql, see SqlAccess).
 */

export interface SqlDatabase {
  /** The query builder; its pool (MySQL, PostgreSQL) belongs to the Fastify plugin that made it. */
  db: Kysely<Tables>
  dialect: SqlDialect
}

/** Kysely over mysql2's callback pool (`fastify.mysql.pool.pool` under @fastify/mysql with promise: true); timezone 'Z' required. */
export function mysqlDatabase (pool: MysqlCallbackPool): SqlDatabase {
  assertUtcPool(pool)
  return { db: new Kysely<Tables>({ dialect: new MysqlDialect({ pool: operationMysqlPool(pool) }) }), dialect: mysqlDialect }
}

/** Kysely over pg's pool (`fastify.pg.pool` from @fastify/postgres). */
export function postgresDatabase (pool: PgPool): SqlDatabase {
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool: operationPostgresPool(pool) }) }), dialect: postgresDialect }
}

/** Opens (creating on first use) a SQLite file, or ':memory:'; closed with the Kysely instance. */
export async function sqliteDatabase (path: string, options: { busyTimeoutMs: number, driver?: SqliteDriverName }): Promise<SqlDatabase & { driver: SqliteDriverName }> {
  const { database, driver } = await openSqlite(path, options)
  return { db: new Kysely<Tables>({ dialect: new SqliteDialect({ database }) }), dialect: sqliteDialect, driver }
}

/**
 * What a module of your own gets on the instance (fastify.sql, on SQLite, MySQL and PostgreSQL):
 * the query builder over the server's own pool or file, and the migration runner for its own
 * tables, recorded in its own table (e.g. `{ table: 'notes_migrations', migrations }`).
 */
export interface SqlAccess extends SqlDatabase {
  migrate (options: Omit<MigrateOptions, 'database'>): Promise<number[]>
  /**
   * Runs one operation of yours as the store runs its own: within STORAGE_TIMEOUT_MS (MySQL,
   * PostgreSQL), an outage thrown as StorageUnavailableError (503 storage_unavailable), any other
   * driver error as a 500 that hides it. Query through `db` (or the argument) inside `work`.
   */
  run: SqlRunner['run']
}

/** Applies the auth migrations, then makes the store. `timeoutMs` bounds each operation on a pooled server (not SQLite, in-process). */
export async function openSqlStore ({ db, dialect }: SqlDatabase, { database, timeoutMs }: { database: string, timeoutMs: number }): Promise<{ store: Store, applied: number[], access: SqlAccess }> {
  const pooled = dialect.name !== 'sqlite'
  const runner = createSqlRunner(db, dialect, pooled ? timeoutMs : undefined)
  const access: SqlAccess = { db, dialect, run: runner.run, migrate: (options) => migrateSql(db as Kysely<unknown>, dialect, { ...options, database }) }
  const applied = await access.migrate({ migrations: MIGRATIONS })
  const store = createSqlStore(runner, {
    timeoutMs,
    close: pooled ? undefined : () => db.destroy()
  })
  return { store, applied, access }
}

/** mysql2 keeps its options here; a pool in local time would shift every stored date. */
function assertUtcPool (pool: MysqlCallbackPool): void {
  const config = (pool as unknown as { config?: { connectionConfig?: { timezone?: string, dateStrings?: unknown } } }).config?.connectionConfig
  if (config === undefined) return
  if (config.timezone !== 'Z' && config.timezone !== '+00:00') throw new Error('mysqlDatabase: the pool must be created with timezone: \'Z\'')
  if (config.dateStrings !== undefined && config.dateStrings !== false) throw new Error('mysqlDatabase: the pool must return dates as Date objects (dateStrings: false)')
}

import { sql, type Kysely } from 'kysely'
import { inTransaction, type SqlDialect, type SqlDialectName } from './dialect.js'
import { mysqlMigrationsTable } from './schema-mysql.js'
import { postgresMigrationsTable } from './schema-postgres.js'
import { sqliteMigrationsTable } from './schema-sqlite.js'

/** A step run only while `unless` (a SELECT) returns no row: for DDL that has no IF NOT EXISTS on every server. */
export interface GuardedStatement { sql: string, unless: string }
export type MigrationStep = string | GuardedStatement
/** One version of a schema, with its statements for each dialect it supports. Never edit a released one: add the next. */
export interface Migration { version: number, name: string, steps: Partial<Record<SqlDialectName, MigrationStep[]>> }

export interface MigrateOptions {
  /** The database's name: names the lock (MySQL's GET_LOCK is server-wide). */
  database: string
  migrations: readonly Migration[]
  /** Where the applied versions are recorded: schema_migrations for the auth tables; a module of yours uses its own table. */
  table?: string
}

const RECORD_TABLES: Record<SqlDialectName, (table: string) => string> = {
  mysql: mysqlMigrationsTable, postgres: postgresMigrationsTable, sqlite: sqliteMigrationsTable
}

/**
 * Applies the migrations this database has not recorded yet, in version order, and returns their
 * versions. One connection holds the dialect's migration lock meanwhile (MySQL GET_LOCK,
 * PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE), so instances starting together apply each
 * migration once; a second start finds nothing to do. Where DDL is transactional (PostgreSQL,
 * SQLite) a migration is applied with its record or not at all; on MySQL write steps that are
 * harmless to run again (a crash between a step and the record reruns it).
 */
export async function migrateSql (db: Kysely<unknown>, dialect: SqlDialect, { database, migrations, table = 'schema_migrations' }: MigrateOptions): Promise<number[]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) throw new Error(`migrations: "${table}" is not a plain table name`)
  const ordered = [...migrations].sort((a, b) => a.version - b.version)
  return await db.connection().execute((connection) => dialect.withMigrationLock(connection, `${database}.${table}`, async () => {
    await sql.raw(RECORD_TABLES[dialect.name](table)).execute(connection)
    const { rows } = await sql<{ version: number | string }>`select version from ${sql.table(table)}`.execute(connection)
    const done = new Set(rows.map((row) => Number(row.version)))
    const applied: number[] = []
    for (const migration of ordered) {
      if (done.has(migration.version)) continue
      const steps = migration.steps[dialect.name]
      if (steps === undefined) throw new Error(`migration ${migration.version} (${migration.name}) has no statements for ${dialect.name}`)
      const apply = async () => {
        for (const step of steps) await applyStep(connection, step)
        await sql`insert into ${sql.table(table)} (version, name, applied_at) values (${migration.version}, ${migration.name}, ${new Date()})`.execute(connection)
      }
      if (dialect.transactionalDdl) await inTransaction(connection, dialect.begin, apply)
      else await apply()
      applied.push(migration.version)
    }
    return applied
  }))
}

/** Runs one step; a guarded step only while its change is not in place. */
async function applyStep (connection: Kysely<unknown>, step: MigrationStep): Promise<void> {
  if (typeof step === 'string') {
    await sql.raw(step).execute(connection)
    return
  }
  const { rows } = await sql.raw(step.unless).execute(connection)
  if (rows.length === 0) await sql.raw(step.sql).execute(connection)
}

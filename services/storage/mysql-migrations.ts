import { createHash } from 'node:crypto'
import type { Pool, RowDataPacket } from 'mysql2/promise'
import { MIGRATIONS, TABLE_OPTIONS, type Migration, type MigrationStep } from './mysql-schema.js'

export { MIGRATIONS, type GuardedStatement, type Migration, type MigrationStep } from './mysql-schema.js'

/* Applies the numbered migrations of mysql-schema.ts, once per database, under a named lock. */

export interface MigrateOptions {
  /** The database the pool points at: names the lock, so databases on one server do not block each other. */
  database: string
  /** How long to wait for another instance that is migrating the same database. */
  lockWaitSeconds?: number
  /** Per statement; DDL on a big table can take a while, so this is not STORAGE_TIMEOUT_MS. */
  statementTimeoutMs?: number
  migrations?: readonly Migration[]
}

/**
 * Applies the migrations this database has not seen, in order, and returns their versions.
 * Holds GET_LOCK('<database>.migrations') on one connection meanwhile, so instances starting
 * together apply each migration once; a second start finds nothing to do.
 */
export async function migrateMysql (pool: Pool, options: MigrateOptions): Promise<number[]> {
  const { database, lockWaitSeconds = 60, statementTimeoutMs = 60_000, migrations = MIGRATIONS } = options
  const lock = migrationLockName(database)
  const connection = await pool.getConnection()
  const run = (sql: string, values: unknown[] = [], timeout = statementTimeoutMs) =>
    connection.query<RowDataPacket[]>({ sql, timeout }, values)
  try {
    const [[locked]] = await run('SELECT GET_LOCK(?, ?) AS acquired', [lock, lockWaitSeconds], (lockWaitSeconds * 1000) + statementTimeoutMs)
    if (locked?.acquired !== 1) throw new Error(`MySQL migrations: lock "${lock}" not acquired within ${lockWaitSeconds} s (another instance still migrating?)`)
    const applied = await applyPending(run, migrations)
    await run('SELECT RELEASE_LOCK(?)', [lock])
    connection.release()
    return applied
  } catch (error) {
    // Closing the connection also releases the lock; the connection state is unknown anyway.
    connection.destroy()
    throw error
  }
}

type Run = (sql: string, values?: unknown[]) => Promise<[RowDataPacket[], unknown]>

async function applyPending (run: Run, migrations: readonly Migration[]): Promise<number[]> {
  await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    applied_at DATETIME(3) NOT NULL
  ) ${TABLE_OPTIONS}`)
  const [rows] = await run('SELECT version FROM schema_migrations')
  const done = new Set(rows.map((row) => Number(row.version)))
  const applied: number[] = []
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue
    for (const step of migration.statements) await applyStep(run, step)
    await run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date()])
    applied.push(migration.version)
  }
  return applied
}

/** Runs one step; a guarded step only while its change is not in place (a rerun after a crash skips it). */
async function applyStep (run: Run, step: MigrationStep): Promise<void> {
  if (typeof step === 'string') {
    await run(step)
    return
  }
  const [found] = await run(step.unless)
  if (found.length === 0) await run(step.sql)
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8. */
export function migrationLockName (database: string): string {
  const name = `${database}.migrations`
  return name.length <= 64 ? name : `migrations.${createHash('sha256').update(database).digest('hex').slice(0, 40)}`
}

import { createHash } from 'node:crypto'
import type { Pool, RowDataPacket } from 'mysql2/promise'

/**
 * Schema of the MySQL adapter, as numbered migrations recorded in `schema_migrations`.
 *
 * Written for both MySQL 8 and MariaDB 10.11; differences avoided on purpose:
 * - roles is TEXT holding JSON, not JSON: MariaDB's JSON is LONGTEXT (mysql2 returns a string)
 *   while MySQL's is native (mysql2 returns an object).
 * - every table names its collation: the defaults differ (utf8mb4_general_ci on MariaDB,
 *   utf8mb4_0900_ai_ci on MySQL 8). utf8mb4_bin makes lookups exact: the services normalise
 *   usernames themselves, so the database must not fold case a second time.
 * - indexes are declared inside CREATE TABLE: `CREATE INDEX IF NOT EXISTS` and
 *   `ADD COLUMN IF NOT EXISTS` exist on MariaDB only. DDL commits implicitly on both, so a
 *   migration is not atomic: write each step so that running it again is harmless (IF NOT EXISTS).
 */
export interface Migration { version: number, name: string, statements: string[] }

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
const ID = 'CHAR(36) CHARACTER SET ascii COLLATE ascii_bin'

export const MIGRATIONS: readonly Migration[] = [{
  version: 1,
  name: 'users, sessions, refresh_tokens, revocations',
  statements: [
    `CREATE TABLE IF NOT EXISTS users (
      id ${ID} NOT NULL PRIMARY KEY,
      username VARCHAR(255) NOT NULL,
      username_normalized VARCHAR(255) NOT NULL,
      email VARCHAR(254) NULL,
      password_hash VARCHAR(255) NOT NULL,
      roles TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY users_username_normalized (username_normalized)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS sessions (
      id ${ID} NOT NULL PRIMARY KEY,
      user_id ${ID} NOT NULL,
      created_at DATETIME(3) NOT NULL,
      last_used_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      revoked_at DATETIME(3) NULL,
      user_agent VARCHAR(512) NULL,
      ip VARCHAR(64) NULL,
      KEY sessions_user_id (user_id, created_at),
      KEY sessions_expires_at (expires_at),
      CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS refresh_tokens (
      hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      session_id ${ID} NOT NULL,
      created_at DATETIME(3) NOT NULL,
      rotated_at DATETIME(3) NULL,
      KEY refresh_tokens_session_id (session_id),
      CONSTRAINT refresh_tokens_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS revocations (
      session_id ${ID} NOT NULL PRIMARY KEY,
      user_id ${ID} NOT NULL,
      revoked_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      KEY revocations_revoked_at (revoked_at),
      KEY revocations_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`
  ]
}]

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
    for (const statement of migration.statements) await run(statement)
    await run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, new Date()])
    applied.push(migration.version)
  }
  return applied
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8. */
export function migrationLockName (database: string): string {
  const name = `${database}.migrations`
  return name.length <= 64 ? name : `migrations.${createHash('sha256').update(database).digest('hex').slice(0, 40)}`
}

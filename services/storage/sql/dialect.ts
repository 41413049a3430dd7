import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Tables } from './tables.js'

export type SqlDialectName = 'mysql' | 'postgres' | 'sqlite'

/**
 * Everything in which MySQL/MariaDB, PostgreSQL and SQLite differ for the store, in one place per
 * dialect (sql/mysql.ts, sql/postgres.ts, sql/sqlite.ts). The queries themselves are shared.
 */
export interface SqlDialect {
  readonly name: SqlDialectName
  /** Starts a write transaction: SQLite's BEGIN IMMEDIATE takes the write lock at once (a deferred one could fail to upgrade). */
  readonly begin: string
  /** SELECT ... FOR UPDATE exists (MySQL, PostgreSQL); a SQLite write transaction holds the whole database instead. */
  readonly rowLocks: boolean
  /** UPDATE ... RETURNING exists (PostgreSQL, SQLite 3.35+; not MySQL nor MariaDB). */
  readonly updateReturning: boolean
  /** DDL runs inside a transaction, so each migration is applied with its record or not at all (PostgreSQL). */
  readonly transactionalDdl: boolean
  /** The tail of an INSERT that leaves the existing row of the same `key` untouched. */
  keepExisting (key: string): RawBuilder<unknown>
  /** The tail of an INSERT that, on a taken `key`, overwrites `columns` of the existing row with the new values (an upsert). */
  replaceExisting (key: string, columns: readonly string[]): RawBuilder<unknown>
  /** The tail of an INSERT into `table` that, on a taken `key`, keeps the greater of the two values of `column` (`value` is the new one). */
  keepGreater (table: string, key: string, column: string, value: Date): RawBuilder<unknown>
  /** A condition: `column` starts with `prefix`, taken literally, compared byte for byte. */
  startsWith (column: string, prefix: string): RawBuilder<boolean>
  /**
   * Runs `work` (inserts into an auto-numbered table) on `connection` so that the numbers it takes
   * become visible only after every number taken before it (one writer at a time, until its
   * commit); waits at most `waitMs` for the writer before it.
   */
  numberInOrder<T> (connection: Kysely<Tables>, waitMs: number, work: () => Promise<T>): Promise<T>
  /** Runs `work` on `connection` while it holds the lock named `name` (one migrator per database at a time). */
  withMigrationLock<T> (connection: Kysely<unknown>, name: string, work: () => Promise<T>): Promise<T>
  /** The driver error says a unique key is taken. */
  isUniqueViolation (error: unknown): boolean
  /** The driver error means the database cannot serve now (network, shutdown, busy, timeout): a 503, not a 500. */
  isOutage (error: unknown): boolean
}

/** Escapes a LIKE pattern's wildcards and the escape character itself (`!`, whose meaning never depends on a server mode, unlike `\`). */
export function escapeLike (text: string): string {
  return text.replace(/[!%_]/g, (character) => `!${character}`)
}

/** Runs `work` inside `begin` ... COMMIT on `connection`, rolled back when it throws. */
export async function inTransaction<DB, T> (connection: Kysely<DB>, begin: string, work: () => Promise<T>): Promise<T> {
  await sql.raw(begin).execute(connection)
  try {
    const result = await work()
    await sql`commit`.execute(connection)
    return result
  } catch (error) {
    // A failed ROLLBACK (a lost connection) leaves the first error to report.
    await sql`rollback`.execute(connection).catch(() => undefined)
    throw error
  }
}

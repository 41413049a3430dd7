import type { Kysely } from 'kysely'
import { toDomainError } from '../errors.js'
import { inTransaction, type SqlDialect } from './dialect.js'
import { runWithinDeadline } from './operation.js'
import type { Tables } from './tables.js'

export type Db = Kysely<Tables>

/** How the store's operations reach the database: errors leave as domain errors only. */
export interface SqlRunner {
  readonly dialect: SqlDialect
  /** Runs `work` (any number of statements, each on whatever pooled connection), within the time budget. */
  run<T> (work: (db: Db) => Promise<T>): Promise<T>
  /** Same, on one connection inside the dialect's BEGIN ... COMMIT; rolled back when `work` throws. */
  transaction<T> (work: (trx: Db) => Promise<T>): Promise<T>
}

/**
 * `timeoutMs` bounds every operation, connection wait and commit included (see operation.ts); a
 * SQLite operation runs in this process and has none. Our own BEGIN rather than Kysely's
 * transaction(): SQLite needs BEGIN IMMEDIATE.
 */
export function createSqlRunner (db: Db, dialect: SqlDialect, timeoutMs?: number): SqlRunner {
  async function guard<T> (work: () => Promise<T>): Promise<T> {
    try {
      return await (timeoutMs === undefined ? work() : runWithinDeadline(timeoutMs, work))
    } catch (error) {
      throw toDomainError(error, dialect.isOutage)
    }
  }

  return {
    dialect,
    run: (work) => guard(() => work(db)),
    transaction: (work) => guard(() => db.connection().execute((connection) => inTransaction(connection, dialect.begin, () => work(connection))))
  }
}

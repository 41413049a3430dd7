import { sql, type Kysely } from 'kysely'
import { toDomainError } from '../errors.js'
import type { SqlDialect } from './dialect.js'
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
    transaction: (work) => guard(() => db.connection().execute(async (connection) => {
      await sql.raw(dialect.begin).execute(connection)
      try {
        const result = await work(connection)
        await sql`commit`.execute(connection)
        return result
      } catch (error) {
        // A failed ROLLBACK (a lost connection) leaves the first error to report; the pool drops that connection.
        await sql`rollback`.execute(connection).catch(() => undefined)
        throw error
      }
    }))
  }
}

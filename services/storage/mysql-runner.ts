import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise'
import { withDeadline } from './deadline.js'
import { toDomainError } from './errors.js'
import { isMysqlOutage, isServerError } from './mysql-errors.js'

export type SqlValue = string | number | Date | null

/** The statements an operation may run: prepared (`execute`), values always passed separately. */
export interface Sql {
  select<Row> (sql: string, values?: SqlValue[]): Promise<Row[]>
  /** INSERT, UPDATE or DELETE; resolves to the number of affected rows. */
  change (sql: string, values?: SqlValue[]): Promise<number>
}

export interface MysqlRunner {
  /** Runs `work` on one pooled connection, within the operation deadline. */
  run<T> (work: (sql: Sql) => Promise<T>): Promise<T>
  /** Same, inside START TRANSACTION ... COMMIT; rolls back when `work` throws. */
  transaction<T> (work: (sql: Sql) => Promise<T>): Promise<T>
}

/**
 * Every operation gets `timeoutMs` in all: waiting for a pooled connection, every statement and
 * the commit. When the time is up the caller gets StorageUnavailableError at once and the
 * connection the operation holds is destroyed (a silent server never gets it back; the pool opens
 * a fresh one). A connection that arrives from the pool after the deadline is handed back
 * unused, so a timed-out operation never runs late. Errors leave as domain errors only.
 */
export function createMysqlRunner (pool: Pool, timeoutMs: number): MysqlRunner {
  async function operation<T> (transactional: boolean, work: (sql: Sql) => Promise<T>): Promise<T> {
    let expired = false
    let held: PoolConnection | undefined
    let reusable = true

    const attempt = async (): Promise<T> => {
      const connection = await pool.getConnection()
      if (expired) {
        connection.release()
        throw new Error('connection arrived after the deadline')
      }
      held = connection
      /** Runs one statement; a failure without a server reply leaves the connection in doubt. */
      const send = async <R>(run: () => Promise<[R, unknown]>): Promise<R> => {
        try {
          return (await run())[0]
        } catch (error) {
          if (!isServerError(error)) reusable = false
          throw error
        }
      }
      const sql: Sql = {
        select: async <Row>(text: string, values: SqlValue[] = []) =>
          await send(() => connection.execute<RowDataPacket[]>(text, values)) as Row[],
        change: async (text, values = []) =>
          (await send(() => connection.execute<ResultSetHeader>(text, values))).affectedRows
      }
      try {
        if (!transactional) return await work(sql)
        await send(() => connection.query('START TRANSACTION'))
        const result = await work(sql)
        await send(() => connection.query('COMMIT'))
        return result
      } catch (error) {
        if (transactional && reusable && !expired) {
          // A failed ROLLBACK marks the connection for destruction (send); the first error is reported.
          await send(() => connection.query('ROLLBACK')).catch(() => undefined)
        }
        throw error
      } finally {
        held = undefined
        // After expiry the deadline has destroyed the connection already.
        if (!expired) {
          if (reusable) connection.release()
          else connection.destroy()
        }
      }
    }

    try {
      return await withDeadline(attempt(), timeoutMs, () => {
        expired = true
        held?.destroy()
      })
    } catch (error) {
      throw toDomainError(error, isMysqlOutage)
    }
  }

  return {
    run: (work) => operation(false, work),
    transaction: (work) => operation(true, work)
  }
}

import { createHash } from 'node:crypto'
import { sql, type PostgresPool, type PostgresPoolClient } from 'kysely'
import type { Pool } from 'pg'
import type { SqlDialect } from './dialect.js'
import { escapeLike, inTransaction } from './dialect.js'
import { holdInOperation } from './operation.js'

/** PostgreSQL 13+ (the tables use COLLATE "C": exact, byte-ordered comparisons). */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  begin: 'BEGIN',
  rowLocks: true,
  updateReturning: true,
  transactionalDdl: true,
  keepExisting: (key) => sql`on conflict (${sql.ref(key)}) do nothing`,
  replaceExisting: (key, columns) => sql`on conflict (${sql.ref(key)}) do update set ${sql.join(columns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`excluded.${column}`)}`))}`,
  keepGreater: (table, key, column) =>
    sql`on conflict (${sql.ref(key)}) do update set ${sql.ref(column)} = greatest(${sql.ref(`${table}.${column}`)}, ${sql.ref(`excluded.${column}`)})`,
  startsWith: (column, prefix) => sql<boolean>`${sql.ref(column)} like ${`${escapeLike(prefix)}%`} escape '!'`,
  // A transaction-level advisory lock: the next writer gets it when this one has committed. The
  // operation's deadline bounds the wait (waitMs is for MySQL's GET_LOCK).
  numberInOrder: (connection, _waitMs, work) => inTransaction(connection, 'BEGIN', async () => {
    await sql`select pg_advisory_xact_lock(${lockKey('revocations')}::bigint)`.execute(connection)
    return await work()
  }),
  async withMigrationLock (connection, name, work) {
    // Session-level advisory lock; waits for another migrator.
    const key = lockKey(name)
    await sql`select pg_advisory_lock(${key}::bigint)`.execute(connection)
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(${key}::bigint)`.execute(connection)
    }
  },
  isUniqueViolation: (error) => pgCode(error) === '23505',
  isOutage: isPostgresOutage
}

/** An advisory lock's key: 64 bits of the name's SHA-256 (advisory locks are per database). */
function lockKey (name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`)).toString()
}

/** The SQLSTATE of an error the server sent (pg copies it to `code`, with `severity` beside it). */
function pgCode (error: unknown): string | undefined {
  const e = error as { code?: unknown, severity?: unknown } | null
  return error instanceof Error && typeof e?.code === 'string' && typeof e.severity === 'string' ? e.code : undefined
}

/**
 * SQLSTATE classes and codes that mean "cannot serve now": 08 connection exception, 53
 * insufficient resources, 57P01-57P03 shutdown or starting up, 57014 statement cancelled
 * (statement_timeout), 40001/40P01 serialization failure and deadlock, 55P03 lock not available,
 * 25006 read-only transaction (a standby after a failover).
 */
const TRANSIENT = /^(08|53)|^(57P0[123]|57014|40001|40P01|55P03|25006)$/
/** pg's own errors when it has no server reply: connect timeout, a lost or unusable connection, a closed pool. */
const CLIENT_MESSAGES = /^(timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Cannot use a pool after calling end|Client was closed)/

export function isPostgresOutage (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = pgCode(error)
  if (code !== undefined) return TRANSIENT.test(code)
  const networkCode = (error as { code?: unknown }).code
  // Node's own ERR_* codes mean a bug (a bad argument), not an outage.
  if (typeof networkCode === 'string' && !networkCode.startsWith('ERR_')) return true
  return CLIENT_MESSAGES.test(error.message)
}

/**
 * The pool Kysely's PostgresDialect draws from: pg's pool under @fastify/postgres, each client
 * held by the store operation that took it (see operation.ts); a client whose query failed
 * without a server reply is destroyed on release. The pool belongs to @fastify/postgres.
 */
export function operationPostgresPool (pool: Pool): PostgresPool {
  return {
    async connect () {
      const hold = holdInOperation()
      const client = await pool.connect()
      let doubtful = false
      // A checked-out client whose connection ends emits 'error' on itself (the pool listens only
      // to idle ones): unheard, it would end the process. It is dropped on release.
      const onError = () => { doubtful = true }
      client.on('error', onError)
      const release = hold((abandoned) => {
        client.off('error', onError)
        client.release(abandoned || doubtful)
      })
      if (release === undefined) {
        client.off('error', onError)
        client.release()
        throw new Error('connection arrived after the deadline')
      }
      const connection = {
        query: async (text: string, values: readonly unknown[]) => {
          try {
            return await client.query(text, [...values])
          } catch (error) {
            if (pgCode(error) === undefined) doubtful = true
            throw error
          }
        },
        release: (destroy?: boolean) => {
          if (destroy === true) doubtful = true
          release()
        }
      }
      return connection as unknown as PostgresPoolClient
    },
    end: async () => {}
  }
}

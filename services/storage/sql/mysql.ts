import { createHash } from 'node:crypto'
import { sql, type MysqlPool, type MysqlPoolConnection } from 'kysely'
import type { Pool as CallbackPool, PoolConnection, QueryError } from 'mysql2'
import { StorageUnavailableError } from '../../errors.js'
import type { SqlDialect } from './dialect.js'
import { escapeLike } from './dialect.js'
import { ER_DUP_ENTRY, isMysqlOutage, isServerError } from './mysql-errors.js'
import { holdInOperation } from './operation.js'

/** MySQL 8 and MariaDB 10.11+ (the tables use utf8mb4_bin: exact, byte-ordered comparisons). */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  begin: 'START TRANSACTION',
  rowLocks: true,
  updateReturning: false,
  transactionalDdl: false,
  // No INSERT IGNORE: it turns other errors (a bad value, a missing parent) into warnings too.
  keepExisting: (key) => sql`on duplicate key update ${sql.ref(key)} = ${sql.ref(key)}`,
  replaceExisting: (_key, columns) => sql`on duplicate key update ${sql.join(columns.map((column) => sql`${sql.ref(column)} = values(${sql.ref(column)})`))}`,
  keepGreater: (_table, _key, column, value) => sql`on duplicate key update ${sql.ref(column)} = greatest(${sql.ref(column)}, ${value})`,
  startsWith: (column, prefix) => sql<boolean>`${sql.ref(column)} like ${`${escapeLike(prefix)}%`} escape '!'`,
  async numberInOrder (connection, waitMs, work) {
    // The lock release 1.0's successor took (one per database): old and new instances take turns during an upgrade.
    const lock = sql`concat('revocations.', sha1(database()))`
    const { rows: [row] } = await sql<{ acquired: number | null }>`select get_lock(${lock}, ${Math.max(1, Math.ceil(waitMs / 1000))}) as acquired`.execute(connection)
    if (row?.acquired !== 1) throw new StorageUnavailableError(new Error('revocation writer lock not acquired'))
    try {
      return await work() // each INSERT commits on its own (autocommit) before the lock goes
    } finally {
      await sql`select release_lock(${lock})`.execute(connection)
    }
  },
  async withMigrationLock (connection, name, work) {
    const lock = mysqlLockName(name)
    const { rows: [row] } = await sql<{ acquired: number | null }>`select get_lock(${lock}, 60) as acquired`.execute(connection)
    if (row?.acquired !== 1) throw new Error(`MySQL migrations: lock "${lock}" not acquired within 60 s (another instance still migrating?)`)
    try {
      return await work()
    } finally {
      await sql`select release_lock(${lock})`.execute(connection)
    }
  },
  isUniqueViolation: (error) => isServerError(error) && error.errno === ER_DUP_ENTRY,
  isOutage: isMysqlOutage
}

/** GET_LOCK names are server-wide and at most 64 characters on MySQL 8. */
export function mysqlLockName (name: string): string {
  return name.length <= 64 ? name : `migrations.${createHash('sha256').update(name).digest('hex').slice(0, 40)}`
}

/**
 * The pool Kysely's MysqlDialect draws from: mysql2's (callback) pool under @fastify/mysql, with
 * each connection held by the store operation that took it. When the operation's time is up the
 * connection is destroyed (a silent server never gets it back); one that arrives after that is
 * handed back unused; one whose statement failed without a server reply is destroyed on release.
 * The pool belongs to @fastify/mysql: ending Kysely leaves it open.
 */
export function operationMysqlPool (pool: CallbackPool): MysqlPool {
  return {
    getConnection (callback) {
      const hold = holdInOperation()
      pool.getConnection((error: unknown, raw: PoolConnection) => {
        if (error !== null && error !== undefined) return callback(error, undefined as never)
        let doubtful = false
        const release = hold((abandoned) => { if (abandoned || doubtful) raw.destroy(); else raw.release() })
        if (release === undefined) {
          raw.release()
          return callback(new Error('connection arrived after the deadline'), undefined as never)
        }
        const connection = {
          query: (text: string, values: unknown[], done: (error: unknown, result: unknown) => void) =>
            raw.query(text, values, (queryError: QueryError | null, result: unknown) => {
              if (queryError !== null && !isServerError(queryError)) doubtful = true
              done(queryError, result)
            }),
          release
        }
        callback(null, connection as unknown as MysqlPoolConnection)
      })
    },
    end: (callback) => callback(null)
  }
}

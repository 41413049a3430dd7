import { performance } from 'node:perf_hooks'
import { setImmediate } from 'node:timers/promises'
import { MongoClient } from 'mongodb'
import mysql from 'mysql2'
import pg from 'pg'
import { mongoClientOptions, mysqlPoolOptions, postgresPoolOptions } from '../../services/storage/driver-options.js'
import { createMongoStore } from '../../services/storage/mongodb.js'
import { mysqlDatabase, openSqlStore, postgresDatabase, sqliteDatabase, type SqlDatabase } from '../../services/storage/sql/open.js'
import type { Store } from '../../services/storage/types.js'
import { parseStorageUrl } from '../../services/storage/url.js'
import type { AdapterDatabase } from '../adapters/databases.js'

export interface SyncQueryProbe {
  /** The cursor an instance that has seen everything so far would hold. */
  cursorNow (): Promise<number>
  /** Runs the query a revocation sync runs, from `cursor`, and returns how long it took (ms). */
  time (cursor: number): Promise<number>
  close (): Promise<void>
}

/**
 * The revocation sync's own query, run from the test process against the servers' database, so a
 * test can measure what one sync costs on this machine right now instead of assuming it.
 */
export async function syncQueryProbe (database: AdapterDatabase): Promise<SyncQueryProbe> {
  const settings = { poolSize: 2, timeoutMs: 10_000 }
  let store: Store
  let close: () => Promise<void>
  if (database.kind !== 'mongodb') {
    let sql: SqlDatabase
    if (database.kind === 'mysql') {
      const pool = mysql.createPool(mysqlPoolOptions(database.url, settings))
      sql = mysqlDatabase(pool)
      close = () => new Promise((resolve) => pool.end(() => resolve()))
    } else if (database.kind === 'postgres') {
      const pool = new pg.Pool(postgresPoolOptions(database.url, settings))
      sql = postgresDatabase(pool)
      close = () => pool.end()
    } else {
      const target = parseStorageUrl(database.url)
      sql = await sqliteDatabase(target.kind === 'sqlite' ? target.path : '', { busyTimeoutMs: settings.timeoutMs })
      close = () => sql.db.destroy()
    }
    store = (await openSqlStore(sql, { database: database.name, timeoutMs: settings.timeoutMs })).store
  } else {
    const client = await new MongoClient(database.url, mongoClientOptions(settings)).connect()
    store = createMongoStore(client.db(database.name), settings)
    close = () => client.close()
  }
  return {
    cursorNow: async () => (await store.listRevocationsAfter(0, new Date())).cursor,
    async time (cursor) {
      const started = performance.now()
      await store.listRevocationsAfter(cursor, new Date())
      const took = performance.now() - started
      // A SQLite query runs synchronously and resolves in the microtask queue: a caller timing it
      // in a loop would never let timers and sockets run. One turn of the event loop per query.
      await setImmediate()
      return took
    },
    close
  }
}

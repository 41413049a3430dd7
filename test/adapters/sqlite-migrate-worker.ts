import { parentPort, workerData } from 'node:worker_threads'
import type { Kysely } from 'kysely'
import { migrateSql } from '../../services/storage/sql/migrate.js'
import { sqliteDatabase } from '../../services/storage/sql/open.js'
import { MIGRATIONS } from '../../services/storage/sql/schema.js'

// One "instance" migrating a SQLite file from its own thread (sql-migrations.test.ts starts two):
// a thread of its own, as another process would, since a busy wait blocks the waiting thread.
// Loaded outside a worker (`tap test/adapters` runs every file of the folder), it does nothing.
if (parentPort !== null) {
  const { path } = workerData as { path: string }
  const { db, dialect } = await sqliteDatabase(path, { busyTimeoutMs: 20_000 })
  try {
    parentPort.postMessage(await migrateSql(db as Kysely<unknown>, dialect, { database: 'auth', migrations: MIGRATIONS }))
  } finally {
    await db.destroy()
  }
}

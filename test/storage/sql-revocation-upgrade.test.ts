import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import t, { type Test } from 'tap'
import { migrateSql } from '../../services/storage/sql/migrate.js'
import { openSqlStore, type SqlDatabase } from '../../services/storage/sql/open.js'
import { MIGRATIONS } from '../../services/storage/sql/schema.js'
import { forEachSqlDialect } from './sql-upgrades.js'

/** Migration 4 on a database that already holds revocations (made by a release before it). */
async function upgradeCase (t: Test, sql: SqlDatabase, name: string): Promise<void> {
  t.same(await migrateSql(sql.db as Kysely<unknown>, sql.dialect, { database: name, migrations: MIGRATIONS.filter((migration) => migration.version < 4) }), [1, 2, 3])
  const now = new Date()
  const expires = new Date(now.getTime() + 3600_000)
  const existing = [0, 1, 2].map((i) => ({ sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - i * 1000), expiresAt: expires }))
  for (const r of existing) {
    await sql.db.insertInto('revocations').values({ session_id: r.sessionId, user_id: r.userId, revoked_at: r.revokedAt, expires_at: r.expiresAt }).execute()
  }
  const { store, applied } = await openSqlStore(sql, { database: name, timeoutMs: 5000 })
  t.same(applied, MIGRATIONS.map((migration) => migration.version).filter((version) => version >= 4), 'migration 4 and the later ones')
  const loaded = await store.listRevocationsAfter(0, now)
  t.same(new Set(loaded.revocations.map((r) => r.sessionId)), new Set(existing.map((r) => r.sessionId)), 'every existing record, numbered')
  const added = { sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - 60_000), expiresAt: expires }
  await store.recordRevocations([added])
  t.same((await store.listRevocationsAfter(loaded.cursor, now)).revocations, [added], 'a new record comes after them')
}

const NAME = 'migration 4 - should number the revocations of an existing database in place, and new ones after them'

forEachSqlDialect(t, NAME, upgradeCase)

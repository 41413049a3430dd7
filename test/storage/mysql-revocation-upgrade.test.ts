import { randomUUID } from 'node:crypto'
import mysql from 'mysql2/promise'
import t from 'tap'
import { mysqlPoolOptions } from '../../services/storage/driver-options.js'
import { MIGRATIONS, migrateMysql } from '../../services/storage/mysql-migrations.js'
import { createMysqlStore } from '../../services/storage/mysql.js'
import { freshMysqlDatabase, withDatabaseServer } from './databases.js'

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  t.test('migration 4 - should number the revocations of an existing database in place, and new ones after them', async (t) => {
    const database = await freshMysqlDatabase(t, serverUrl)
    const pool = mysql.createPool(mysqlPoolOptions(database.url, { poolSize: 2, timeoutMs: 5000 }))
    t.teardown(() => pool.end())
    t.same(await migrateMysql(pool, { database: database.name, migrations: MIGRATIONS.filter((migration) => migration.version < 4) }), [1, 2, 3])
    const now = new Date()
    const expires = new Date(now.getTime() + 3600_000)
    const existing = [0, 1, 2].map((i) => ({ sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - i * 1000), expiresAt: expires }))
    for (const r of existing) {
      await pool.execute('INSERT INTO revocations (session_id, user_id, revoked_at, expires_at) VALUES (?, ?, ?, ?)', [r.sessionId, r.userId, r.revokedAt, r.expiresAt])
    }
    t.same(await migrateMysql(pool, { database: database.name }), [4])
    const store = createMysqlStore(pool, { timeoutMs: 5000 })
    const loaded = await store.listRevocationsAfter(0, now)
    t.same(new Set(loaded.revocations.map((r) => r.sessionId)), new Set(existing.map((r) => r.sessionId)), 'every existing record, numbered')
    const added = { sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - 60_000), expiresAt: expires }
    await store.recordRevocations([added])
    t.same((await store.listRevocationsAfter(loaded.cursor, now)).revocations, [added], 'a new record comes after them')
  })
})

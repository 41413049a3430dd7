import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Migration } from '../../services/storage/sql/migrate.js'
import { build } from '../helper.js'

/** A module's own table, the way a user's module would declare it (one statement list per dialect). */
type OwnTables = { widgets: { id: string, owner_id: string, label: string } }
const WIDGET_MIGRATIONS: Migration[] = [{
  version: 1,
  name: 'widgets',
  steps: {
    sqlite: ['CREATE TABLE widgets (id TEXT NOT NULL PRIMARY KEY, owner_id TEXT NOT NULL, label TEXT NOT NULL) STRICT'],
    mysql: ['CREATE TABLE IF NOT EXISTS widgets (id CHAR(36) NOT NULL PRIMARY KEY, owner_id CHAR(36) NOT NULL, label VARCHAR(255) NOT NULL)'],
    postgres: ['CREATE TABLE widgets (id varchar(36) PRIMARY KEY, owner_id varchar(36) NOT NULL, label varchar(255) NOT NULL)']
  }
}]

t.test('fastify.sql - should let a module migrate and query its own tables beside the auth tables', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'auth-own-tables-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  const app = await build(t, { env: { STORAGE_URL: `sqlite://${join(folder, 'auth.db')}` } })
  const sql = app.sql
  if (sql === null) throw new Error('fastify.sql is null on SQLite')
  t.same(await sql.migrate({ table: 'widget_migrations', migrations: WIDGET_MIGRATIONS }), [1], 'its own version 1, recorded apart from the auth schema')
  t.same(await sql.migrate({ table: 'widget_migrations', migrations: WIDGET_MIGRATIONS }), [], 'once')
  const db = sql.db.withTables<OwnTables>()
  await db.insertInto('widgets').values({ id: 'w1', owner_id: 'u1', label: 'first' }).execute()
  t.same(await db.selectFrom('widgets').selectAll().execute(), [{ id: 'w1', owner_id: 'u1', label: 'first' }])
  t.ok(await app.store.findUserByUsername('nobody') === null, 'the auth store works on the same database')
})

t.test('fastify.sql - should be null where there is no SQL database', async (t) => {
  const app = await build(t, { env: { STORAGE_URL: 'memory://' } })
  t.equal(app.sql, null)
})

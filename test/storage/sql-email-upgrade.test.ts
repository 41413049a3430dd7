import type { Kysely } from 'kysely'
import t, { type Test } from 'tap'
import { DuplicateEmailError } from '../../services/errors.js'
import { migrateSql } from '../../services/storage/sql/migrate.js'
import { openSqlStore, type SqlDatabase } from '../../services/storage/sql/open.js'
import { MIGRATIONS } from '../../services/storage/sql/schema.js'
import { forEachSqlDialect } from './sql-upgrades.js'
import { newUser } from './contract.js'

const T0 = Date.parse('2026-11-01T10:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** Users as a release before migration 5 stored them: emails as typed, one address on several accounts. */
const EXISTING = [
  { id: id(3), name: 'alice-newest', email: 'ALICE@example.com', createdAt: at(30) },
  { id: id(1), name: 'alice-oldest', email: '  Alice@Example.COM ', createdAt: at(10) },
  { id: id(2), name: 'alice-middle', email: 'alice@example.com', createdAt: at(20) },
  { id: id(5), name: 'tie-b', email: 'tie@example.com', createdAt: at(40) },
  { id: id(4), name: 'tie-a', email: 'Tie@example.com', createdAt: at(40) },
  { id: id(6), name: 'bob', email: ' Bob@Example.com', createdAt: at(50) },
  { id: id(7), name: 'blank', email: '   ', createdAt: at(60) },
  { id: id(8), name: 'none', email: null, createdAt: at(70) },
  { id: id(9), name: 'none-too', email: null, createdAt: at(80) }
]

/** Migration 5 on a database that already holds users and sessions (made by a release before it). */
async function upgradeCase (t: Test, sql: SqlDatabase, name: string): Promise<void> {
  t.same(await migrateSql(sql.db as Kysely<unknown>, sql.dialect, { database: name, migrations: MIGRATIONS.filter((migration) => migration.version < 5) }), [1, 2, 3, 4])
  const db = sql.db as unknown as Kysely<Record<string, Record<string, unknown>>>
  for (const user of EXISTING) {
    await db.insertInto('users').values({ id: user.id, username: user.name, username_normalized: user.name, email: user.email, password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', roles: '["user"]', created_at: user.createdAt }).execute()
  }
  await db.insertInto('sessions').values({ id: id(100), user_id: id(6), created_at: at(50), last_used_at: at(50), expires_at: new Date('2099-01-01T00:00:00.000Z') }).execute()

  const { store, applied } = await openSqlStore(sql, { database: name, timeoutMs: 5000 })
  t.same(applied, [5])
  const emails = Object.fromEntries(await Promise.all(EXISTING.map(async (user) => [user.name, (await store.findUserById(user.id))?.email])))
  t.same(emails, {
    'alice-newest': null,
    'alice-oldest': 'alice@example.com',
    'alice-middle': null,
    'tie-b': null,
    'tie-a': 'tie@example.com',
    bob: 'bob@example.com',
    blank: null,
    none: null,
    'none-too': null
  }, 'trimmed and lower-cased; a shared address stays with the oldest account (then the smaller id)')
  t.match(await store.findUserByEmail('alice@example.com'), { id: id(1), emailVerifiedAt: null })
  t.same((await store.findSession(id(100)))?.amr, ['pwd'], 'existing sessions count as password logins')
  await t.rejects(store.createUser({ ...newUser(), email: 'alice@example.com' }), DuplicateEmailError, 'the address is unique from now on')
  await store.createUser({ ...newUser(), email: null })
}

const NAME = 'migration 5 - should normalise the emails of an existing database, keep a shared one on the oldest account, and give old sessions amr ["pwd"]'

forEachSqlDialect(t, NAME, upgradeCase)

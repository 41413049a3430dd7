import type { Store } from '../types.js'
import type { SqlRunner } from './runner.js'
import { toUser, USER_COLUMNS, type UsersTable } from './tables.js'
import type { Updateable } from 'kysely'

type AccountStore = Pick<Store, 'listUsers' | 'updateUser' | 'deleteUser'>

/** Account administration over the users table (deletion cascades to sessions and refresh tokens). */
export function sqlAccounts (db: SqlRunner): AccountStore {
  const { dialect } = db
  return {
    listUsers: ({ prefix, after, limit }) => db.run(async (db) => {
      // Byte order on every dialect: utf8mb4_bin (MySQL), COLLATE "C" (PostgreSQL), BINARY (SQLite).
      const rows = await db.selectFrom('users').select(USER_COLUMNS)
        .$if(prefix !== undefined && prefix !== '', (query) => query.where(dialect.startsWith('username_normalized', prefix as string)))
        .$if(after !== undefined, (query) => query.where('username_normalized', '>', after as string))
        .orderBy('username_normalized').limit(checkedLimit(limit)).execute()
      return rows.map(toUser)
    }),

    updateUser: (id, { roles, disabledAt, passwordHash }) => db.run(async (db) => {
      const changes: Updateable<UsersTable> = {}
      if (roles !== undefined) changes.roles = JSON.stringify(roles)
      if (disabledAt !== undefined) changes.disabled_at = disabledAt
      if (passwordHash !== undefined) changes.password_hash = passwordHash
      if (Object.keys(changes).length > 0) {
        // Matched rows on every dialect (mysql2 sets FOUND_ROWS by default); without that flag an
        // update that changes nothing reports 0 and the SELECT below decides.
        const result = await db.updateTable('users').set(changes).where('id', '=', id).executeTakeFirst()
        if (Number(result.numUpdatedRows) === 1) return true
      }
      return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    }),

    // One statement: the foreign keys (ON DELETE CASCADE) take the sessions and their refresh
    // tokens with the user, atomically. Revocations stay: they expire with the access tokens.
    deleteUser: (id) => db.run(async (db) => Number((await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()).numDeletedRows) === 1)
  }
}

function checkedLimit (limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listUsers: limit must be a non-negative integer, got ${limit}`)
  return limit
}

import type { MysqlRunner, SqlValue } from './mysql-runner.js'
import { toUser, USER_COLUMNS, type UserRow } from './mysql-rows.js'
import type { Store } from './types.js'

type AccountStore = Pick<Store, 'listUsers' | 'updateUser' | 'deleteUser'>

/** The escape character of listUsers' LIKE patterns: not backslash, whose meaning in literals depends on sql_mode. */
const LIKE_ESCAPE = '!'

/** Account administration over the users table (deletion cascades to sessions and refresh tokens). */
export function mysqlAccounts (db: MysqlRunner): AccountStore {
  return {
    listUsers: ({ prefix, after, limit }) => db.run(async (sql) => {
      const conditions: string[] = []
      const values: SqlValue[] = []
      if (prefix !== undefined && prefix !== '') {
        conditions.push(`username_normalized LIKE ? ESCAPE '${LIKE_ESCAPE}'`)
        values.push(`${escapeLike(prefix)}%`)
      }
      if (after !== undefined) {
        conditions.push('username_normalized > ?')
        values.push(after)
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`
      // utf8mb4_bin orders by code point, which is UTF-8 byte order. The limit goes as a string:
      // MySQL 8 refuses a DOUBLE (how mysql2 sends a JS number) for LIMIT ?.
      const rows = await sql.select<UserRow>(
        `SELECT ${USER_COLUMNS} FROM users ${where} ORDER BY username_normalized LIMIT ?`,
        [...values, String(checkedLimit(limit))])
      return rows.map(toUser)
    }),

    updateUser: (id, { roles, disabledAt, passwordHash }) => db.run(async (sql) => {
      const assignments: string[] = []
      const values: SqlValue[] = []
      if (roles !== undefined) {
        assignments.push('roles = ?')
        values.push(JSON.stringify(roles))
      }
      if (disabledAt !== undefined) {
        assignments.push('disabled_at = ?')
        values.push(disabledAt)
      }
      if (passwordHash !== undefined) {
        assignments.push('password_hash = ?')
        values.push(passwordHash)
      }
      if (assignments.length > 0) {
        // affectedRows counts matched rows when the connection has the FOUND_ROWS flag (mysql2's
        // default); without it, an update that changes nothing reports 0 and the SELECT decides.
        if (await sql.change(`UPDATE users SET ${assignments.join(', ')} WHERE id = ?`, [...values, id]) === 1) return true
      }
      return (await sql.select('SELECT 1 FROM users WHERE id = ?', [id])).length === 1
    }),

    // One statement: the foreign keys (ON DELETE CASCADE) take the sessions and their refresh
    // tokens with the user, atomically. Revocations stay: they expire with the access tokens.
    deleteUser: (id) => db.run(async (sql) => await sql.change('DELETE FROM users WHERE id = ?', [id]) === 1)
  }
}

/** Makes `text` match itself only in a LIKE pattern: %, _ and the escape character lose their meaning. */
export function escapeLike (text: string): string {
  return text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`)
}

function checkedLimit (limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listUsers: limit must be a non-negative integer, got ${limit}`)
  return limit
}

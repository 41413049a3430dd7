import type { Updateable } from 'kysely'
import { DuplicateEmailError, DuplicateUserError } from '../../errors.js'
import type { Store } from '../types.js'
import type { Db, SqlRunner } from './runner.js'
import { toUser, USER_COLUMNS, type UsersTable } from './tables.js'

type AccountStore = Pick<Store, 'createUser' | 'findUserById' | 'findUserByUsername' | 'findUserByEmail' | 'listUsers' | 'updateUser' | 'deleteUser'>

/**
 * The unique key a driver error names is the email's: users_email (MySQL, MariaDB, PostgreSQL
 * name the key last in the message) or users.email (SQLite names the column). Only the message's
 * end is read: the taken value, quoted earlier in it, could contain anything.
 */
const EMAIL_KEY = /(users_email['"]?|users\.email)$/

/** The users table: accounts and their administration (deletion cascades to everything a user owns). */
export function sqlAccounts (db: SqlRunner): AccountStore {
  const { dialect } = db

  const findUser = (column: 'id' | 'username_normalized' | 'email', value: string) => db.run(async (db) => {
    const row = await db.selectFrom('users').select(USER_COLUMNS).where(column, '=', value).executeTakeFirst()
    return row === undefined ? null : toUser(row)
  })

  return {
    createUser: (user) => db.run(async (db) => {
      try {
        await db.insertInto('users').values({
          id: user.id,
          username: user.username,
          username_normalized: user.usernameNormalized,
          email: user.email,
          email_verified_at: user.emailVerifiedAt,
          password_hash: user.passwordHash,
          roles: JSON.stringify(user.roles),
          created_at: user.createdAt,
          disabled_at: user.disabledAt
        }).execute()
      } catch (error) {
        // The unique keys decide races: no check-then-insert. A name and an address both taken is
        // reported as the name (as the memory store does), whichever key the database checked first.
        if (!dialect.isUniqueViolation(error)) throw error
        if (!violatesEmailKey(error) || await nameTaken(db, user.usernameNormalized)) throw new DuplicateUserError()
        throw new DuplicateEmailError()
      }
    }),

    findUserById: (id) => findUser('id', id),
    findUserByUsername: (usernameNormalized) => findUser('username_normalized', usernameNormalized),
    findUserByEmail: (email) => findUser('email', email),

    listUsers: ({ prefix, after, limit }) => db.run(async (db) => {
      // Byte order on every dialect: utf8mb4_bin (MySQL), COLLATE "C" (PostgreSQL), BINARY (SQLite).
      const rows = await db.selectFrom('users').select(USER_COLUMNS)
        .$if(prefix !== undefined && prefix !== '', (query) => query.where(dialect.startsWith('username_normalized', prefix as string)))
        .$if(after !== undefined, (query) => query.where('username_normalized', '>', after as string))
        .orderBy('username_normalized').limit(checkedLimit(limit)).execute()
      return rows.map(toUser)
    }),

    updateUser: (id, { roles, disabledAt, passwordHash, email, emailVerifiedAt }) => db.run(async (db) => {
      const changes: Updateable<UsersTable> = {}
      if (roles !== undefined) changes.roles = JSON.stringify(roles)
      if (disabledAt !== undefined) changes.disabled_at = disabledAt
      if (passwordHash !== undefined) changes.password_hash = passwordHash
      if (email !== undefined) changes.email = email
      if (emailVerifiedAt !== undefined) changes.email_verified_at = emailVerifiedAt
      if (Object.keys(changes).length > 0) {
        try {
          // Matched rows on every dialect (mysql2 sets FOUND_ROWS by default); without that flag an
          // update that changes nothing reports 0 and the SELECT below decides.
          const result = await db.updateTable('users').set(changes).where('id', '=', id).executeTakeFirst()
          if (Number(result.numUpdatedRows) === 1) return true
        } catch (error) {
          // The unique key on email: another user holds the address (race-safe, no check first).
          if (dialect.isUniqueViolation(error)) throw new DuplicateEmailError()
          throw error
        }
      }
      return (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    }),

    // One statement: the foreign keys (ON DELETE CASCADE) take the sessions and their refresh
    // tokens, one-time tokens, TOTP factor, recovery codes and passkeys with the user, atomically.
    // Revocations stay: they expire with the access tokens.
    deleteUser: (id) => db.run(async (db) => Number((await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()).numDeletedRows) === 1)
  }
}

function violatesEmailKey (error: unknown): boolean {
  return error instanceof Error && EMAIL_KEY.test(error.message.trim())
}

/** Read after the insert failed: the row that made it fail has committed by then. */
async function nameTaken (db: Db, usernameNormalized: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('username_normalized', '=', usernameNormalized).executeTakeFirst()) !== undefined
}

function checkedLimit (limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listUsers: limit must be a non-negative integer, got ${limit}`)
  return limit
}

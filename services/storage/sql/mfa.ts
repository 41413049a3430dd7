import { sql, type Selectable } from 'kysely'
import { DuplicatePasskeyError } from '../../errors.js'
import type { MfaStore, PasskeyRecord } from '../types.js'
import type { SqlRunner } from './runner.js'
import { toDate, toDateOrNull, type PasskeysTable } from './tables.js'

/** Columns saveTotpFactor overwrites when the user already has a factor. */
const TOTP_COLUMNS = ['secret', 'created_at', 'confirmed_at', 'last_used_step'] as const

/**
 * Second factors in the tables of migration 5. Each single-use step is one conditional statement
 * whose affected-row count says who won: useTotpStep `UPDATE ... WHERE last_used_step < step`,
 * consumeRecoveryCode `DELETE ... WHERE code_hash = ?`, recordPasskeyUse `UPDATE ... WHERE
 * counter = expected`. Concurrent statements on one row queue on its lock and the later ones
 * re-check the condition against the committed row (PostgreSQL re-evaluates it, InnoDB updates
 * through a locking read, SQLite runs one writer at a time), so exactly one matches. On MySQL the
 * count is of matched rows (mysql2 sets FOUND_ROWS), which equals changed rows here, except for a
 * passkey whose counter stays 0 (authenticators without a counter): there every matching caller
 * wins, as on every other store.
 */
export function sqlMfa (db: SqlRunner): MfaStore {
  const { dialect } = db
  return {
    saveTotpFactor: (factor) => db.run(async (db) => {
      await db.insertInto('totp_factors').values({
        user_id: factor.userId,
        secret: factor.secret,
        created_at: factor.createdAt,
        confirmed_at: factor.confirmedAt,
        last_used_step: factor.lastUsedStep
      }).modifyEnd(dialect.replaceExisting('user_id', TOTP_COLUMNS)).execute()
    }),

    findTotpFactor: (userId) => db.run(async (db) => {
      const row = await db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst()
      if (row === undefined) return null
      return { userId: row.user_id, secret: row.secret, createdAt: toDate(row.created_at), confirmedAt: toDateOrNull(row.confirmed_at), lastUsedStep: Number(row.last_used_step) }
    }),

    useTotpStep: (userId, step, now) => db.run(async (db) => {
      const result = await db.updateTable('totp_factors')
        .set({ last_used_step: step, confirmed_at: sql<Date>`coalesce(${sql.ref('confirmed_at')}, ${now})` })
        .where('user_id', '=', userId).where('last_used_step', '<', step).executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }),

    deleteTotpFactor: (userId) => db.run(async (db) =>
      Number((await db.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows) === 1),

    replaceRecoveryCodes: (userId, codeHashes, now) => db.transaction(async (trx) => {
      // The user's row lock queues two replacements of one user, so the second one's DELETE sees
      // the first one's codes (without it, both could keep theirs). SQLite holds the database.
      if (dialect.rowLocks) await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute()
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
      const unique = [...new Set(codeHashes)]
      if (unique.length > 0) await trx.insertInto('recovery_codes').values(unique.map((codeHash) => ({ user_id: userId, code_hash: codeHash, created_at: now }))).execute()
    }),

    consumeRecoveryCode: (userId, codeHash) => db.run(async (db) => {
      const result = await db.deleteFrom('recovery_codes').where('user_id', '=', userId).where('code_hash', '=', codeHash).executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    }),

    countRecoveryCodes: (userId) => db.run(async (db) => {
      const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number | string>().as('codes')).where('user_id', '=', userId).executeTakeFirst()
      return Number(row?.codes ?? 0)
    }),

    createPasskey: (passkey) => db.run(async (db) => {
      try {
        await db.insertInto('passkeys').values({
          id: passkey.id,
          user_id: passkey.userId,
          public_key: passkey.publicKey,
          counter: passkey.counter,
          transports: JSON.stringify(passkey.transports),
          backed_up: passkey.backedUp,
          name: passkey.name,
          created_at: passkey.createdAt,
          last_used_at: passkey.lastUsedAt
        }).execute()
      } catch (error) {
        if (dialect.isUniqueViolation(error)) throw new DuplicatePasskeyError()
        throw error
      }
    }),

    findPasskey: (id) => db.run(async (db) => {
      const row = await db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? null : toPasskey(row)
    }),

    listPasskeys: (userId) => db.run(async (db) => {
      const rows = await db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()
      return rows.map(toPasskey)
    }),

    recordPasskeyUse: (id, expectedCounter, counter, now) => db.run(async (db) => {
      const result = await db.updateTable('passkeys').set({ counter, last_used_at: now })
        .where('id', '=', id).where('counter', '=', expectedCounter).executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }),

    deletePasskey: (userId, id) => db.run(async (db) =>
      Number((await db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()).numDeletedRows) === 1)
  }
}

function toPasskey (row: Selectable<PasskeysTable>): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    backedUp: Boolean(row.backed_up),
    name: row.name,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at)
  }
}

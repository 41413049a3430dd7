import type { Selectable } from 'kysely'
import type { OneTimeTokenRecord, OneTimeTokenStore } from '../types.js'
import type { Db, SqlRunner } from './runner.js'
import { toDate, type OneTimeTokensTable } from './tables.js'

/**
 * One-time tokens in the one_time_tokens table (migration 5).
 *
 * Race safety: a consumer reads the token with a locking read (FOR UPDATE on MySQL and PostgreSQL;
 * SQLite's BEGIN IMMEDIATE holds the whole database) and deletes it in the same transaction,
 * winning only when the DELETE reports the row. Concurrent consumers queue on the row: the next
 * one's locking read finds it gone (PostgreSQL re-checks a row it waited for, InnoDB's locking
 * reads see the latest committed version), and the affected-rows check would refuse it anyway.
 * Wrong codes are counted the same way: each holds the row lock while it adds one, so none is lost.
 */
export function sqlOneTimeTokens (db: SqlRunner): OneTimeTokenStore {
  const { dialect } = db

  return {
    createOneTimeToken: (token, replace) => db.transaction(async (trx) => {
      if (replace !== undefined) await deleteTokens(trx, replace.userId, replace.purposes)
      await trx.insertInto('one_time_tokens').values({
        hash: token.hash,
        purpose: token.purpose,
        user_id: token.userId,
        code_hash: token.codeHash,
        data: token.data,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        failed_attempts: token.failedAttempts
      }).execute()
    }),

    consumeOneTimeToken: (hash, purpose, now) => db.transaction(async (trx) => {
      const row = await trx.selectFrom('one_time_tokens').selectAll()
        .where('hash', '=', hash).where('purpose', '=', purpose).where('expires_at', '>', now)
        .$if(dialect.rowLocks, (query) => query.forUpdate()).executeTakeFirst()
      if (row === undefined) return null
      return await deleteToken(trx, row.hash) ? toToken(row) : null
    }),

    consumeOneTimeTokenByCode: (userId, purpose, codeHash, now, maxFailedAttempts) => db.transaction(async (trx) => {
      const row = await trx.selectFrom('one_time_tokens').selectAll()
        .where('user_id', '=', userId).where('purpose', '=', purpose).where('expires_at', '>', now)
        .orderBy('created_at', 'desc').orderBy('hash', 'desc').limit(1)
        .$if(dialect.rowLocks, (query) => query.forUpdate()).executeTakeFirst()
      if (row === undefined) return { outcome: 'no_token' }
      if (row.code_hash !== null && row.code_hash === codeHash) {
        return await deleteToken(trx, row.hash) ? { outcome: 'consumed', token: toToken(row) } : { outcome: 'no_token' }
      }
      // The row is locked (or the database is, on SQLite): row.failed_attempts is current.
      const failedAttempts = row.failed_attempts + 1
      if (failedAttempts >= maxFailedAttempts) await deleteToken(trx, row.hash)
      else await trx.updateTable('one_time_tokens').set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) })).where('hash', '=', row.hash).execute()
      return { outcome: 'wrong_code', attemptsLeft: Math.max(0, maxFailedAttempts - failedAttempts) }
    }),

    findOneTimeToken: (hash, purpose, now) => db.run(async (db) => {
      const row = await db.selectFrom('one_time_tokens').selectAll()
        .where('hash', '=', hash).where('purpose', '=', purpose).where('expires_at', '>', now).executeTakeFirst()
      return row === undefined ? null : toToken(row)
    }),

    deleteOneTimeTokens: (userId, purposes) => db.run((db) => deleteTokens(db, userId, purposes))
  }
}

/** Deletes expired one-time tokens; returns how many went. */
export async function pruneOneTimeTokens (db: Db, now: Date): Promise<number> {
  return Number((await db.deleteFrom('one_time_tokens').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows)
}

async function deleteToken (db: Db, hash: string): Promise<boolean> {
  return Number((await db.deleteFrom('one_time_tokens').where('hash', '=', hash).executeTakeFirst()).numDeletedRows) === 1
}

async function deleteTokens (db: Db, userId: string, purposes: string[]): Promise<number> {
  if (purposes.length === 0) return 0
  const result = await db.deleteFrom('one_time_tokens').where('user_id', '=', userId).where('purpose', 'in', purposes).executeTakeFirst()
  return Number(result.numDeletedRows)
}

function toToken (row: Selectable<OneTimeTokensTable>): OneTimeTokenRecord {
  return {
    hash: row.hash,
    purpose: row.purpose,
    userId: row.user_id,
    codeHash: row.code_hash,
    data: row.data,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    failedAttempts: Number(row.failed_attempts)
  }
}

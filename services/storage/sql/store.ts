import { sql } from 'kysely'
import type { Store } from '../types.js'
import { sqlAccounts } from './accounts.js'
import { sqlAudit } from './audit.js'
import { pruneLoginFailures, sqlLoginFailures } from './login-failures.js'
import { sqlMfa } from './mfa.js'
import { pruneOneTimeTokens, sqlOneTimeTokens } from './one-time-tokens.js'
import { sqlRevocations } from './revocations.js'
import type { Db, SqlRunner } from './runner.js'
import { SESSION_COLUMNS, toDate, toDateOrNull, toSession } from './tables.js'

export interface SqlStoreOptions {
  /** Time budget of one operation (STORAGE_TIMEOUT_MS): also how long a revocation writer waits for the one before it. */
  timeoutMs: number
  /** Closes what the store owns (SQLite's database); pools belong to their Fastify plugins. */
  close?: () => Promise<void>
}

/**
 * The store over MySQL/MariaDB, PostgreSQL or SQLite: one implementation, the dialect's
 * differences taken from `db.dialect` (sql/dialect.ts). The tables come from the migrations of
 * sql/schema.ts (run migrateSql before serving).
 */
export function createSqlStore (db: SqlRunner, { timeoutMs, close = async () => {} }: SqlStoreOptions): Store {
  const { dialect } = db

  return {
    kind: dialect.name,
    ...sqlAccounts(db),

    createSession: (session) => db.transaction(async (trx) => {
      await trx.insertInto('sessions').values({
        id: session.id,
        user_id: session.userId,
        created_at: session.createdAt,
        last_used_at: session.lastUsedAt,
        expires_at: session.expiresAt,
        user_agent: session.userAgent,
        ip: session.ip,
        amr: JSON.stringify(session.amr)
      }).execute()
      await trx.insertInto('refresh_tokens').values({ hash: session.refreshHash, session_id: session.id, created_at: session.createdAt }).execute()
    }),

    findRefreshToken: (hash) => db.run(async (db) => {
      const row = await db.selectFrom('refresh_tokens').innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
        .select([...SESSION_COLUMNS, 'refresh_tokens.rotated_at']).where('refresh_tokens.hash', '=', hash).executeTakeFirst()
      return row === undefined ? null : { session: toSession(row), rotatedAt: toDateOrNull(row.rotated_at) }
    }),

    rotateRefreshToken: ({ sessionId, currentHash, nextHash, now, expiresAt, keepRotated }) => db.transaction(async (trx) => {
      // Lock the session row first: rotations and revocations of one session queue on it, always
      // in the order session then token, so they cannot deadlock; a revoked session stops here.
      const session = await trx.selectFrom('sessions').select('revoked_at').where('id', '=', sessionId)
        .$if(dialect.rowLocks, (query) => query.forUpdate()).executeTakeFirst()
      if (session === undefined || session.revoked_at !== null) return false
      // Exactly one caller turns rotated_at from NULL: the others see 0 affected rows.
      const retired = await trx.updateTable('refresh_tokens').set({ rotated_at: now })
        .where('hash', '=', currentHash).where('session_id', '=', sessionId).where('rotated_at', 'is', null).executeTakeFirst()
      if (Number(retired.numUpdatedRows) !== 1) return false
      await trx.insertInto('refresh_tokens').values({ hash: nextHash, session_id: sessionId, created_at: now }).execute()
      await trx.updateTable('sessions').set({ last_used_at: now, expires_at: expiresAt }).where('id', '=', sessionId).execute()
      await forgetOldTokens(trx, sessionId, keepRotated)
      return true
    }),

    revokeSession: (sessionId, now) => db.run(async (db) => {
      const result = await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }),

    revokeUserSessions: (userId, now, exceptSessionId) => {
      const active = (db: Parameters<Parameters<SqlRunner['run']>[0]>[0]) => db.updateTable('sessions').set({ revoked_at: now })
        .where('user_id', '=', userId).where('revoked_at', 'is', null)
        .$if(exceptSessionId !== undefined, (query) => query.where('id', '<>', exceptSessionId as string))
      // One statement where UPDATE ... RETURNING exists: the ids are exactly the rows it revoked,
      // a session created meanwhile included (a locking read first would miss it on PostgreSQL).
      if (dialect.updateReturning) return db.run(async (db) => (await active(db).returning('id').execute()).map((row) => row.id))
      return db.transaction(async (trx) => {
        // MySQL: the locking read holds these rows (and the gap for new ones) until the UPDATE commits.
        const rows = await trx.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null)
          .$if(exceptSessionId !== undefined, (query) => query.where('id', '<>', exceptSessionId as string)).forUpdate().execute()
        if (rows.length > 0) await active(trx).execute()
        return rows.map((row) => row.id)
      })
    },

    findSession: (sessionId) => db.run(async (db) => {
      const row = await db.selectFrom('sessions').select(SESSION_COLUMNS).where('sessions.id', '=', sessionId).executeTakeFirst()
      return row === undefined ? null : toSession(row)
    }),

    setSessionAmr: (sessionId, amr) => db.run(async (db) => {
      // Matched rows (FOUND_ROWS on MySQL): the same amr again still answers true.
      const result = await db.updateTable('sessions').set({ amr: JSON.stringify(amr) }).where('id', '=', sessionId).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    }),

    listUserSessions: (userId, now) => db.run(async (db) => {
      const rows = await db.selectFrom('sessions').select(SESSION_COLUMNS).where('sessions.user_id', '=', userId)
        .where('sessions.revoked_at', 'is', null).where('sessions.expires_at', '>', now).orderBy('sessions.created_at').orderBy('sessions.id').execute()
      return rows.map(toSession)
    }),

    ...sqlRevocations(db, timeoutMs),
    ...sqlLoginFailures(db),
    ...sqlAudit(db),
    ...sqlOneTimeTokens(db),
    ...sqlMfa(db),

    pruneExpired: (now) => db.run(async (db) => {
      const tokens = await db.deleteFrom('refresh_tokens')
        .where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('expires_at', '<=', now)).executeTakeFirst()
      const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()
      const revocations = await db.deleteFrom('revocations').where('expires_at', '<=', now).executeTakeFirst()
      const removed = Number(tokens.numDeletedRows) + Number(sessions.numDeletedRows) + Number(revocations.numDeletedRows)
      return removed + await pruneLoginFailures(db, now) + await pruneOneTimeTokens(db, now)
    }),

    ping: () => db.run(async (db) => { await sql`select 1`.execute(db) }),
    close
  }
}

/** Deletes the session's rotated tokens older than the `keepRotated` newest (ordered by rotated_at, then hash). */
async function forgetOldTokens (trx: Db, sessionId: string, keepRotated: number): Promise<void> {
  const newestForgotten = await trx.selectFrom('refresh_tokens').select(['rotated_at', 'hash'])
    .where('session_id', '=', sessionId).where('rotated_at', 'is not', null)
    .orderBy('rotated_at', 'desc').orderBy('hash', 'desc').limit(1).offset(Math.max(0, Math.floor(keepRotated))).executeTakeFirst()
  if (newestForgotten?.rotated_at == null) return
  const rotatedAt = toDate(newestForgotten.rotated_at)
  await trx.deleteFrom('refresh_tokens').where('session_id', '=', sessionId).where('rotated_at', 'is not', null)
    .where((eb) => eb.or([eb('rotated_at', '<', rotatedAt), eb.and([eb('rotated_at', '=', rotatedAt), eb('hash', '<=', newestForgotten.hash)])]))
    .execute()
}

import type { Revocation, Store } from '../types.js'
import type { SqlRunner } from './runner.js'
import { toDate } from './tables.js'

/** Rows per INSERT when recording revocations: far below every dialect's limit on placeholders. */
const REVOCATION_BATCH = 500

/**
 * The revocation log. Every row gets its `seq` from the database (AUTO_INCREMENT, an identity
 * column, AUTOINCREMENT) and readers ask for the rows after the last seq they saw (never by
 * revoked_at, which another instance's clock wrote).
 *
 * A number is handed out when a row is inserted, not when it commits: two writers taking 10 and
 * 11 may commit 11 first, and a reader that then saw 11 would never look at 10 again. So writers
 * take turns (dialect.numberInOrder: MySQL GET_LOCK, a PostgreSQL transaction-level advisory lock,
 * SQLite's write lock): a writer gets its numbers only after the previous one has committed, so
 * numbers become visible in order and a reader that sees seq N sees every row below N. Readers
 * take no lock. Revocations are rare (logouts), so writers queueing costs nothing measurable;
 * gaps in seq (a repeated session, a rollback) are harmless. No dialect hands a number out twice,
 * even after the newest row is pruned (InnoDB persists its counter since MySQL 8 / MariaDB 10.2.4).
 */
export function sqlRevocations (db: SqlRunner, timeoutMs: number): Pick<Store, 'recordRevocations' | 'listRevocationsAfter'> {
  const { dialect } = db
  return {
    recordRevocations: (revocations) => db.run(async (db) => {
      if (revocations.length === 0) return
      await db.connection().execute((connection) => dialect.numberInOrder(connection, timeoutMs, async () => {
        for (let start = 0; start < revocations.length; start += REVOCATION_BATCH) {
          const batch = revocations.slice(start, start + REVOCATION_BATCH)
          // The first record of a session wins; repeats are no-ops.
          await connection.insertInto('revocations')
            .values(batch.map((r) => ({ session_id: r.sessionId, user_id: r.userId, revoked_at: r.revokedAt, expires_at: r.expiresAt })))
            .modifyEnd(dialect.keepExisting('session_id')).execute()
        }
      }))
    }),

    listRevocationsAfter: (cursor, now) => db.run(async (db) => {
      const rows = await db.selectFrom('revocations').select(['seq', 'session_id', 'user_id', 'revoked_at', 'expires_at'])
        .where('seq', '>', cursor).orderBy('seq').execute()
      const revocations: Revocation[] = []
      for (const row of rows) {
        const expiresAt = toDate(row.expires_at)
        if (expiresAt > now) revocations.push({ sessionId: row.session_id, userId: row.user_id, revokedAt: toDate(row.revoked_at), expiresAt })
      }
      const last = rows.at(-1)
      return { revocations, cursor: last === undefined ? cursor : Number(last.seq) }
    })
  }
}

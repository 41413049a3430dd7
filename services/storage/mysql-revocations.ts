import { StorageUnavailableError } from '../errors.js'
import type { MysqlRunner } from './mysql-runner.js'
import type { Revocation, Store } from './types.js'

/** Rows per INSERT when recording revocations, far below the 65535 placeholders limit. */
const REVOCATION_BATCH = 500

interface RevocationRow { seq: number | string, session_id: string, user_id: string, revoked_at: Date, expires_at: Date }

/**
 * The revocation log on MySQL/MariaDB. Every row gets its `seq` from AUTO_INCREMENT and readers
 * ask for the rows after the last seq they saw (never by revoked_at, which another instance's
 * clock wrote).
 *
 * AUTO_INCREMENT hands out a number when a row is inserted, not when it commits: two writers
 * taking 10 and 11 may commit 11 first, and a reader that then saw 11 would never look at 10
 * again. So writers take a named lock (GET_LOCK, one per database) around their inserts: a writer
 * gets its numbers only after the previous one has committed and released the lock, so numbers
 * become visible in order and a reader that sees seq N sees every row below N. Readers take no
 * lock. A writer that dies holding the lock loses it with its connection. Revocations are rare
 * (logouts), so writers queueing on one lock costs nothing measurable; gaps in seq (a repeated
 * session, a rollback) are harmless.
 */
export function mysqlRevocations (db: MysqlRunner, timeoutMs: number): Pick<Store, 'recordRevocations' | 'listRevocationsAfter'> {
  const lockWaitSeconds = Math.max(1, Math.ceil(timeoutMs / 1000))
  const LOCK = 'CONCAT(\'revocations.\', SHA1(DATABASE()))'

  return {
    recordRevocations: (revocations) => db.run(async (sql) => {
      if (revocations.length === 0) return
      const [lock] = await sql.select<{ acquired: number | null }>(`SELECT GET_LOCK(${LOCK}, ?) AS acquired`, [lockWaitSeconds])
      if (lock?.acquired !== 1) throw new StorageUnavailableError(new Error('revocation writer lock not acquired'))
      try {
        for (let start = 0; start < revocations.length; start += REVOCATION_BATCH) {
          const batch = revocations.slice(start, start + REVOCATION_BATCH)
          // The first record of a session wins; repeats are no-ops (no INSERT IGNORE: it hides other errors too).
          await sql.change(
            `INSERT INTO revocations (session_id, user_id, revoked_at, expires_at) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')} ON DUPLICATE KEY UPDATE session_id = session_id`,
            batch.flatMap((r) => [r.sessionId, r.userId, r.revokedAt, r.expiresAt]))
        }
      } finally {
        await sql.select(`SELECT RELEASE_LOCK(${LOCK})`)
      }
    }),

    listRevocationsAfter: (cursor, now) => db.run(async (sql) => {
      const rows = await sql.select<RevocationRow>(
        'SELECT seq, session_id, user_id, revoked_at, expires_at FROM revocations WHERE seq > ? ORDER BY seq', [cursor])
      const revocations: Revocation[] = []
      for (const row of rows) {
        if (row.expires_at > now) revocations.push({ sessionId: row.session_id, userId: row.user_id, revokedAt: row.revoked_at, expiresAt: row.expires_at })
      }
      const last = rows.at(-1)
      return { revocations, cursor: last === undefined ? cursor : Number(last.seq) }
    })
  }
}

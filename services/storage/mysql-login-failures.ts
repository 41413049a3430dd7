import type { MysqlRunner, Sql } from './mysql-runner.js'
import type { LoginFailure, Store } from './types.js'

type LoginFailureStore = Pick<Store, 'recordLoginFailures' | 'getLoginFailures' | 'clearLoginFailures'>

/** Keys per statement when pruning key rows: few enough to keep each DELETE short. */
const PRUNE_BATCH = 500

/**
 * Login failures over the tables of migration 2 (mysql-schema.ts): one login_failures row per
 * failure, and one login_failure_keys row per key that serves as that key's lock.
 *
 * Race safety: recordLoginFailures runs in one transaction that first locks the key rows
 * (INSERT ... ON DUPLICATE KEY UPDATE takes an exclusive lock on the row, new or existing, until
 * COMMIT), always in sorted order so that callers with overlapping keys cannot deadlock, and only
 * then inserts its failures and counts. Recorders of one key therefore run one after another, and
 * the count (a plain consistent read) is taken after every lock is held: its snapshot, which
 * InnoDB makes at a transaction's first plain SELECT, includes every failure committed by an
 * earlier holder of any of these keys, so each caller sees its own count.
 */
export function mysqlLoginFailures (db: MysqlRunner): LoginFailureStore {
  return {
    recordLoginFailures: (keys, at, expiresAt) => db.transaction(async (sql) => {
      if (keys.length === 0) return []
      const unique = [...new Set(keys)].sort()
      for (const key of unique) {
        await sql.change(
          'INSERT INTO login_failure_keys (key_hash, expires_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE expires_at = GREATEST(expires_at, ?)',
          [key, expiresAt, expiresAt])
      }
      await sql.change(
        `INSERT INTO login_failures (key_hash, failed_at, expires_at) VALUES ${keys.map(() => '(?, ?, ?)').join(', ')}`,
        keys.flatMap((key) => [key, at, expiresAt]))
      const totals = new Map((await liveFailures(sql, unique, at)).map((row) => [row.key_hash, row.failures]))
      // A key named twice in one call counted twice: its occurrences get consecutive counts.
      const later = new Map<string, number>()
      for (const key of keys) later.set(key, (later.get(key) ?? 0) + 1)
      return keys.map((key) => {
        const remaining = (later.get(key) ?? 1) - 1
        later.set(key, remaining)
        return Number(totals.get(key) ?? 0) - remaining
      })
    }),

    getLoginFailures: (keys, now) => db.run(async (sql) => {
      if (keys.length === 0) return []
      const rows = new Map((await liveFailures(sql, [...new Set(keys)], now)).map((row) => [row.key_hash, row]))
      return keys.map((key): LoginFailure | null => {
        const row = rows.get(key)
        return row === undefined ? null : { count: Number(row.failures), lastFailureAt: row.last_failed_at }
      })
    }),

    clearLoginFailures: (keys) => db.transaction(async (sql) => {
      if (keys.length === 0) return
      const unique = [...new Set(keys)].sort()
      // The key rows first, in the recorders' order: a recorder of these keys is either done or waits.
      await sql.change(`DELETE FROM login_failure_keys WHERE key_hash IN (${placeholders(unique)})`, unique)
      await sql.change(`DELETE FROM login_failures WHERE key_hash IN (${placeholders(unique)})`, unique)
    })
  }
}

/** Deletes expired failures and the key rows whose newest failure has expired; returns the failures deleted. */
export async function pruneLoginFailures (sql: Sql, now: Date): Promise<number> {
  const removed = await sql.change('DELETE FROM login_failures WHERE expires_at <= ?', [now])
  // Key rows by primary key in sorted batches (the recorders' lock order), rechecking the expiry:
  // a key that a recorder has just extended stays.
  for (;;) {
    const expired = await sql.select<{ key_hash: string }>(
      'SELECT key_hash FROM login_failure_keys WHERE expires_at <= ? ORDER BY key_hash LIMIT ?', [now, String(PRUNE_BATCH)])
    if (expired.length === 0) break
    const batch = expired.map((row) => row.key_hash)
    await sql.change(`DELETE FROM login_failure_keys WHERE key_hash IN (${placeholders(batch)}) AND expires_at <= ?`, [...batch, now])
    if (expired.length < PRUNE_BATCH) break
  }
  return removed
}

interface LiveFailuresRow { key_hash: string, failures: number | string, last_failed_at: Date }

/** Count and newest time of the failures of `keys` still unexpired at `at` (keys without any are absent). */
function liveFailures (sql: Sql, keys: string[], at: Date): Promise<LiveFailuresRow[]> {
  return sql.select<LiveFailuresRow>(
    `SELECT key_hash, COUNT(*) AS failures, MAX(failed_at) AS last_failed_at FROM login_failures
     WHERE key_hash IN (${placeholders(keys)}) AND expires_at > ? GROUP BY key_hash`,
    [...keys, at])
}

function placeholders (values: unknown[]): string {
  return values.map(() => '?').join(', ')
}

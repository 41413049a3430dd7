import type { LoginFailure, Store } from '../types.js'
import type { Db, SqlRunner } from './runner.js'
import { toDate } from './tables.js'

type LoginFailureStore = Pick<Store, 'recordLoginFailures' | 'getLoginFailures' | 'clearLoginFailures'>

/** Keys per statement when pruning key rows: few enough to keep each DELETE short. */
const PRUNE_BATCH = 500

/**
 * Login failures over the tables of migration 2: one login_failures row per failure, and one
 * login_failure_keys row per key that serves as that key's lock.
 *
 * Race safety: recordLoginFailures runs in one transaction that first locks the key rows (the
 * upsert takes an exclusive lock on the row, new or existing, until COMMIT; SQLite's BEGIN
 * IMMEDIATE holds the whole database), always in sorted order so that callers with overlapping
 * keys cannot deadlock, and only then inserts its failures and counts. Recorders of one key run
 * one after another, and the count is read after every lock is held: InnoDB takes its snapshot
 * at the transaction's first plain SELECT, PostgreSQL (READ COMMITTED) at each statement's
 * start, so it includes every failure committed by an earlier holder of these keys.
 */
export function sqlLoginFailures (db: SqlRunner): LoginFailureStore {
  const { dialect } = db
  return {
    recordLoginFailures: (keys, at, expiresAt) => db.transaction(async (trx) => {
      if (keys.length === 0) return []
      const unique = [...new Set(keys)].sort()
      for (const key of unique) {
        await trx.insertInto('login_failure_keys').values({ key_hash: key, expires_at: expiresAt })
          .modifyEnd(dialect.keepGreater('login_failure_keys', 'key_hash', 'expires_at', expiresAt)).execute()
      }
      await trx.insertInto('login_failures').values(keys.map((key) => ({ key_hash: key, failed_at: at, expires_at: expiresAt }))).execute()
      const totals = new Map((await liveFailures(trx, unique, at)).map((row) => [row.key_hash, Number(row.failures)]))
      // A key named twice in one call counted twice: its occurrences get consecutive counts.
      const later = new Map<string, number>()
      for (const key of keys) later.set(key, (later.get(key) ?? 0) + 1)
      return keys.map((key) => {
        const remaining = (later.get(key) ?? 1) - 1
        later.set(key, remaining)
        return (totals.get(key) ?? 0) - remaining
      })
    }),

    getLoginFailures: (keys, now) => db.run(async (db) => {
      if (keys.length === 0) return []
      const rows = new Map((await liveFailures(db, [...new Set(keys)], now)).map((row) => [row.key_hash, row]))
      return keys.map((key): LoginFailure | null => {
        const row = rows.get(key)
        return row === undefined ? null : { count: Number(row.failures), lastFailureAt: toDate(row.last_failed_at) }
      })
    }),

    clearLoginFailures: (keys) => db.transaction(async (trx) => {
      if (keys.length === 0) return
      const unique = [...new Set(keys)].sort()
      // The key rows first, in the recorders' order: a recorder of these keys is either done or waits.
      await trx.deleteFrom('login_failure_keys').where('key_hash', 'in', unique).execute()
      await trx.deleteFrom('login_failures').where('key_hash', 'in', unique).execute()
    })
  }
}

/** Deletes expired failures and the key rows whose newest failure has expired; returns the failures deleted. */
export async function pruneLoginFailures (db: Db, now: Date): Promise<number> {
  const removed = await db.deleteFrom('login_failures').where('expires_at', '<=', now).executeTakeFirst()
  // Key rows by primary key in sorted batches (the recorders' lock order), rechecking the expiry:
  // a key that a recorder has just extended stays.
  for (;;) {
    const expired = await db.selectFrom('login_failure_keys').select('key_hash').where('expires_at', '<=', now)
      .orderBy('key_hash').limit(PRUNE_BATCH).execute()
    if (expired.length === 0) break
    await db.deleteFrom('login_failure_keys').where('key_hash', 'in', expired.map((row) => row.key_hash)).where('expires_at', '<=', now).execute()
    if (expired.length < PRUNE_BATCH) break
  }
  return Number(removed.numDeletedRows)
}

/** Count and newest time of the failures of `keys` still unexpired at `at` (keys without any are absent). */
function liveFailures (db: Db, keys: string[], at: Date) {
  return db.selectFrom('login_failures')
    .select((eb) => ['key_hash', eb.fn.countAll<number | string>().as('failures'), eb.fn.max('failed_at').as('last_failed_at')])
    .where('key_hash', 'in', keys).where('expires_at', '>', at).groupBy('key_hash').execute()
}

import { createRevocationTable } from './revocation-table.js'
import type { Revocation, Store } from './storage/types.js'

export interface RevocationViewOptions {
  store: Store
  now: () => number
  syncIntervalMs: number
  onSyncError: (error: unknown) => void
}

/**
 * The in-memory view of revoked sessions that the guard consults on every request: a lookup in a
 * table outside the V8 heap (revocation-table.ts), never a storage call. Revocations are written
 * to storage by the session service; every instance pulls the ones recorded since its last sync
 * on an interval, by the cursor the store gives (never by revokedAt: a record with any revokedAt
 * is seen), so a logout on one instance reaches the others.
 */
export interface RevocationView {
  isRevoked (sessionId: string): boolean
  /** Adds revocations made by this process, effective at once. */
  add (revocations: Revocation[]): void
  /** Loads every live revocation; call once before serving. */
  load (): Promise<void>
  /** Pulls revocations recorded since the last sync and drops expired entries. */
  sync (): Promise<void>
  start (): void
  stop (): void
  readonly size: number
}

export function createRevocationView ({ store, now, syncIntervalMs, onSyncError }: RevocationViewOptions): RevocationView {
  const revoked = createRevocationTable()
  let cursor = 0
  let timer: NodeJS.Timeout | undefined
  let syncing = false

  function add (revocations: Revocation[]): void {
    for (const { sessionId, expiresAt } of revocations) revoked.add(sessionId, expiresAt.getTime())
  }

  async function pull (after: number): Promise<void> {
    const startedAt = now()
    const page = await store.listRevocationsAfter(after, new Date(startedAt))
    add(page.revocations)
    cursor = Math.max(cursor, page.cursor)
    revoked.pruneExpired(startedAt)
  }

  async function sync (): Promise<void> {
    if (syncing) return
    syncing = true
    try {
      await pull(cursor)
    } finally {
      syncing = false
    }
  }

  return {
    isRevoked: (sessionId) => revoked.has(sessionId),
    add,
    load: () => pull(0),
    sync,
    start () {
      if (timer !== undefined) return
      timer = setInterval(() => { sync().catch(onSyncError) }, syncIntervalMs)
      timer.unref()
    },
    stop () {
      clearInterval(timer)
      timer = undefined
    },
    get size () { return revoked.size }
  }
}

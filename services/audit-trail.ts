import { randomBytes } from 'node:crypto'
import type { AuditEvent, AuditSink } from './audit.js'
import type { AuditQuery, AuditRecord, Store } from './storage/types.js'

/** Lengths of the parts of an audit id: time (base 36 ms), sequence within the ms, random. */
const TIME_CHARS = 10
const SEQUENCE_CHARS = 4
const RANDOM_BYTES = 6

/**
 * Ids that sort by time as plain strings (26 characters of [0-9a-z]): milliseconds, then a
 * counter within the millisecond for this process, then random bits so that two instances
 * never make the same id.
 */
export function createAuditIds (now: () => number): () => string {
  let lastMs = -1
  let sequence = 0
  return () => {
    const ms = now()
    sequence = ms === lastMs ? sequence + 1 : 0
    lastMs = ms
    return ms.toString(36).padStart(TIME_CHARS, '0') +
      sequence.toString(36).padStart(SEQUENCE_CHARS, '0').slice(-SEQUENCE_CHARS) +
      randomBytes(RANDOM_BYTES).toString('hex')
  }
}

/** The event as stored: who it is about in its own field, the rest as JSON. */
export function toAuditRecord (event: AuditEvent, id: string, at: Date): AuditRecord {
  const { event: name, userId, ...details } = event
  return { id, at, event: name, userId: userId ?? null, data: JSON.stringify(details) }
}

export interface AuditTrail {
  /** Logs the event and stores it; a failed write is logged, never thrown at the request. */
  sink: AuditSink
  /** Resolves when no write is left in flight, counting those started while it waits (before storage closes). */
  flush (): Promise<void>
  list (query: AuditQuery): Promise<AuditRecord[]>
}

export interface AuditTrailOptions {
  store: Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>
  now: () => number
  /** Where every event goes first, stored or not. */
  log: AuditSink
  onWriteError: (error: unknown, event: AuditEvent) => void
}

/**
 * AUDIT_LOG=storage: every audit event is logged and also written through the storage adapter,
 * without making the request wait for the write. Writes in flight are awaited on shutdown.
 */
export function createAuditTrail ({ store, now, log, onWriteError }: AuditTrailOptions): AuditTrail {
  const nextId = createAuditIds(now)
  const pending = new Set<Promise<void>>()
  return {
    sink (event) {
      log(event)
      const write = store.recordAuditEvents([toAuditRecord(event, nextId(), new Date(now()))])
        .catch((error: unknown) => onWriteError(error, event))
        .finally(() => pending.delete(write))
      pending.add(write)
    },
    async flush () {
      // Until none is left: an event emitted while waiting (a request ending during shutdown) counts too.
      while (pending.size > 0) await Promise.all([...pending])
    },
    list: (query) => store.listAuditEvents(query)
  }
}

import type { AuditRecord, Store } from './types.js'

type AuditStore = Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>

/** The memory store keeps the newest this many audit events (up to a tenth more between trims). */
export const MEMORY_AUDIT_CAPACITY = 10_000

/** Audit events in insertion order (ids grow with time, so the array is sorted by id). */
export function createMemoryAudit (capacity = MEMORY_AUDIT_CAPACITY): AuditStore {
  let records: AuditRecord[] = []
  return {
    async recordAuditEvents (added) {
      for (const record of added) {
        // Almost always the newest: appended. An older id (another order of arrival) goes to its place.
        let at = records.length
        while (at > 0 && (records[at - 1] as AuditRecord).id > record.id) at--
        records.splice(at, 0, { ...record })
      }
      // Trimmed in steps of a tenth, so that a full store does not copy itself for every event.
      if (records.length > capacity + Math.ceil(capacity / 10)) records = records.slice(records.length - capacity)
    },
    async listAuditEvents ({ userId, before, limit }) {
      const page: AuditRecord[] = []
      for (let i = records.length - 1; i >= 0 && page.length < limit; i--) {
        const record = records[i] as AuditRecord
        if (before !== undefined && record.id >= before) continue
        if (userId !== undefined && record.userId !== userId) continue
        page.push({ ...record })
      }
      return page
    }
  }
}

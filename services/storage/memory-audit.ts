import type { AuditRecord, Store } from './types.js'

type AuditStore = Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>

/** The memory store keeps this many audit events, dropping the oldest: it must not grow for ever. */
export const MEMORY_AUDIT_CAPACITY = 10_000

/** Audit events in insertion order (ids grow with time, so the array is sorted by id). */
export function createMemoryAudit (capacity = MEMORY_AUDIT_CAPACITY): AuditStore {
  let records: AuditRecord[] = []
  return {
    async recordAuditEvents (added) {
      for (const record of added) records.push({ ...record })
      records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      if (records.length > capacity) records = records.slice(records.length - capacity)
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

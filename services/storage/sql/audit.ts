import type { AuditRecord, Store } from '../types.js'
import type { SqlRunner } from './runner.js'
import { toDate } from './tables.js'

type AuditStore = Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>

/** Audit events in the audit_events table (migration 3). */
export function sqlAudit (db: SqlRunner): AuditStore {
  return {
    recordAuditEvents: (records) => db.run(async (db) => {
      if (records.length === 0) return
      await db.insertInto('audit_events')
        .values(records.map((record) => ({ id: record.id, at: record.at, event: record.event, user_id: record.userId, data: record.data })))
        .execute()
    }),

    listAuditEvents: ({ userId, before, limit }) => db.run(async (db) => {
      const rows = await db.selectFrom('audit_events').selectAll()
        .$if(userId !== undefined, (query) => query.where('user_id', '=', userId as string))
        .$if(before !== undefined, (query) => query.where('id', '<', before as string))
        .orderBy('id', 'desc').limit(Math.max(1, Math.trunc(limit))).execute()
      return rows.map((row): AuditRecord => ({ id: row.id, at: toDate(row.at), event: row.event, userId: row.user_id, data: row.data }))
    })
  }
}

import type { MysqlRunner, SqlValue } from './mysql-runner.js'
import type { AuditRecord, Store } from './types.js'

type AuditStore = Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>

interface AuditRow { id: string, at: Date, event: string, user_id: string | null, data: string }

/** Audit events in the audit_events table of migration 3 (mysql-schema.ts). */
export function mysqlAudit (db: MysqlRunner): AuditStore {
  return {
    recordAuditEvents: (records) => db.run(async (sql) => {
      if (records.length === 0) return
      await sql.change(
        `INSERT INTO audit_events (id, at, event, user_id, data) VALUES ${records.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        records.flatMap((record) => [record.id, record.at, record.event, record.userId, record.data]))
    }),

    listAuditEvents: ({ userId, before, limit }) => db.run(async (sql) => {
      const where: string[] = []
      const values: SqlValue[] = []
      if (userId !== undefined) { where.push('user_id = ?'); values.push(userId) }
      if (before !== undefined) { where.push('id < ?'); values.push(before) }
      // The limit as a string, as in mysql-accounts.ts (MySQL 8 refuses a DOUBLE for LIMIT ?).
      const rows = await sql.select<AuditRow>(
        `SELECT id, at, event, user_id, data FROM audit_events ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY id DESC LIMIT ?`,
        [...values, String(Math.max(1, Math.trunc(limit)))])
      return rows.map((row): AuditRecord => ({ id: row.id, at: row.at, event: row.event, userId: row.user_id, data: row.data }))
    })
  }
}

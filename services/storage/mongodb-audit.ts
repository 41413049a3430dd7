import type { Collection, Filter } from 'mongodb'
import type { AuditDoc } from './mongodb-collections.js'
import type { MongoRunner } from './mongodb-runner.js'
import type { AuditRecord, Store } from './types.js'

type AuditStore = Pick<Store, 'recordAuditEvents' | 'listAuditEvents'>

/** Audit events, one inserted document each, never updated. */
export function mongoAudit (auditEvents: Collection<AuditDoc>, operation: MongoRunner): AuditStore {
  return {
    recordAuditEvents: (records) => operation(async (call) => {
      if (records.length === 0) return
      await auditEvents.insertMany(records.map(({ id, at, event, userId, data }) => ({ _id: id, at, event, userId, data })), { ...call.write(), ordered: true })
    }),

    listAuditEvents: ({ userId, before, limit }) => operation(async (call) => {
      const filter: Filter<AuditDoc> = {}
      if (userId !== undefined) filter.userId = userId
      if (before !== undefined) filter._id = { $lt: before }
      const docs = await auditEvents.find(filter, { ...call.read, sort: { _id: -1 }, limit }).toArray()
      return docs.map(({ _id: id, at, event, userId, data }): AuditRecord => ({ id, at, event, userId, data }))
    })
  }
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AuditList, AuditQuery } from '../../schemas/account.js'
import { BEARER, errorReplies, errorReplyWith } from '../../schemas/common.js'
import { AppError } from '../../services/errors.js'
import type { AuditRecord } from '../../services/storage/types.js'

const DEFAULT_LIMIT = 50
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

const view = (record: AuditRecord) => ({
  id: record.id,
  at: record.at.toISOString(),
  event: record.event,
  user_id: record.userId,
  details: Object.fromEntries(Object.entries(JSON.parse(record.data) as Record<string, unknown>).map(([name, value]) => [snakeCase(name), value]))
})

const NOT_STORED = 'Audit events are not stored: set AUDIT_LOG=storage'
const notStored = errorReplyWith(404, 'audit_not_stored', NOT_STORED)

/** The stored audit trail (AUDIT_LOG=storage), newest first. */
const adminAudit: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/audit', {
    schema: {
      tags: ['admin'],
      summary: 'Stored audit events, newest first, optionally of one user (AUDIT_LOG=storage)',
      security: BEARER,
      querystring: AuditQuery,
      response: { 200: AuditList, ...errorReplies(400, 401, 403, 503), 404: notStored }
    }
  }, async (request) => {
    const trail = fastify.auditTrail
    if (trail === null) throw new AppError(404, 'audit_not_stored', NOT_STORED)
    const { user_id: userId, before } = request.query
    const limit = request.query.limit === undefined ? DEFAULT_LIMIT : Number(request.query.limit)
    const records = await trail.list({ userId, before, limit: limit + 1 })
    const page = records.slice(0, limit)
    return { events: page.map(view), next: records.length > limit ? (page.at(-1)?.id ?? null) : null }
  })
}

export default adminAudit

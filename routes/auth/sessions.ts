import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, SessionList } from '../../schemas/account.js'
import { BEARER, errorReplies, NoContent } from '../../schemas/common.js'
import { activeUser } from '../../services/active-user.js'

/** The caller's own sessions: list them, end one (only while the account is active). */
const sessionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accounts, users } = fastify

  fastify.get('/sessions', {
    onRequest: fastify.authenticate,
    schema: { tags: ['auth'], summary: 'The caller\'s active sessions', security: BEARER, response: { 200: SessionList, ...errorReplies(401, 503) } }
  }, async (request) => {
    await activeUser(users, request.user.sub)
    const sessions = await accounts.listSessions(request.user.sub)
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        created_at: session.createdAt.toISOString(),
        last_used_at: session.lastUsedAt.toISOString(),
        user_agent: session.userAgent,
        ip: session.ip,
        current: session.id === request.user.sid
      }))
    }
  })

  fastify.delete('/sessions/:id', {
    onRequest: fastify.authenticate,
    schema: {
      tags: ['auth'],
      summary: 'End one of the caller\'s sessions',
      security: BEARER,
      params: IdParams,
      response: { 204: NoContent, ...errorReplies(400, 401, 404, 503) }
    }
  }, async (request, reply) => {
    await activeUser(users, request.user.sub)
    await accounts.endSession(request.user.sub, request.params.id)
    return reply.code(204).send(null)
  })
}

export default sessionRoutes

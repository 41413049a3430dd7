import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BEARER, errorReplies, NoContent } from '../../schemas/common.js'

/** Ends the caller's session, or every session of the caller. Both need a Bearer token. */
const logout: FastifyPluginAsyncTypebox = async (fastify) => {
  const { sessions } = fastify
  const response = { 204: NoContent, ...errorReplies(401, 503) }

  fastify.post('/logout', { schema: { tags: ['auth'], summary: 'End this session', security: BEARER, response }, onRequest: fastify.authenticate }, async (request, reply) => {
    await sessions.end({ userId: request.user.sub, sessionId: request.user.sid })
    return reply.code(204).send(null)
  })

  fastify.post('/logout-all', { schema: { tags: ['auth'], summary: 'End every session of the caller', security: BEARER, response }, onRequest: fastify.authenticate }, async (request, reply) => {
    await sessions.endAll(request.user.sub)
    return reply.code(204).send(null)
  })
}

export default logout

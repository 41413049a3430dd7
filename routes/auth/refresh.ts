import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RefreshBody, TokenPairReply } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies } from '../../schemas/common.js'

/** Exchanges a refresh token for a new pair; the used token stops working. */
const refresh: FastifyPluginAsyncTypebox = async (fastify) => {
  const { sessions } = fastify

  fastify.post('/refresh', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { rateLimit: fastify.authRateLimits.refresh },
    schema: {
      body: RefreshBody,
      response: { 200: TokenPairReply, ...errorReplies(400, 401, 413, 415, 429, 503) }
    }
  }, async (request, reply) => {
    const pair = await sessions.refresh(request.body.refresh_token)
    return reply.header('cache-control', 'no-store').send(pair)
  })
}

export default refresh

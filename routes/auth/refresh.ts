import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RefreshBody, TokenPairReply } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith } from '../../schemas/common.js'

/** Exchanges a refresh token for a new pair; the used token stops working. */
const refresh: FastifyPluginAsyncTypebox = async (fastify) => {
  const { sessions } = fastify

  fastify.post('/refresh', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { rateLimit: fastify.authRateLimits.refresh },
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token for a new pair (rotation)',
      body: RefreshBody,
      response: {
        200: TokenPairReply,
        ...errorReplies(400, 413, 415, 429, 503),
        401: errorReplyWith(401, 'refresh_token_superseded', 'This refresh token was already used; use the newest one')
      }
    }
  }, async (request, reply) => {
    const pair = await sessions.refresh(request.body.refresh_token)
    return reply.header('cache-control', 'no-store').send(pair)
  })
}

export default refresh

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { oauthErrorReplies, TokenReference } from '../../schemas/oauth.js'

/** RFC 7009: revokes the session of a refresh or access token; 200 even for unknown tokens. */
const revoke: FastifyPluginAsyncTypebox = async (fastify) => {
  const { oauth } = fastify

  fastify.post('/revoke', {
    // Each call may cost a storage lookup or two: per IP, the budget of /auth/refresh.
    config: { rateLimit: fastify.authRateLimits.refresh },
    schema: {
      tags: ['oauth'],
      summary: 'RFC 7009 revocation: ends the session of a refresh or access token',
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: TokenReference,
      response: { 200: Type.Null({ description: 'Revoked, or not a token of ours' }), ...oauthErrorReplies(400, 429, 503) }
    }
  }, async (request, reply) => {
    const { token, token_type_hint: hint } = request.body
    await oauth.revoke(token, hint === 'access_token' || hint === 'refresh_token' ? hint : undefined)
    return reply.code(200).send(null)
  })
}

export default revoke

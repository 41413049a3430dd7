import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BEARER, errorReplies } from '../../schemas/common.js'
import { Me } from '../../schemas/user.js'
import { activeUser } from '../../services/active-user.js'

const me: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users } = fastify

  fastify.get('/me', {
    schema: { tags: ['auth'], summary: 'The caller\'s account', security: BEARER, response: { 200: Me, ...errorReplies(401, 503) } },
    onRequest: fastify.authenticate
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      email_verified: user.email !== null && user.emailVerifiedAt !== null,
      roles: user.roles,
      created_at: user.createdAt.toISOString()
    }
  })
}

export default me

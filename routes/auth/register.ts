import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RegisterBody } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies } from '../../schemas/common.js'
import { PublicUser } from '../../schemas/user.js'

const register: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users, accountEmail } = fastify

  fastify.post('/register', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { rateLimit: fastify.authRateLimits.register },
    schema: {
      tags: ['auth'],
      summary: 'Create an account',
      body: RegisterBody,
      response: { 201: PublicUser, ...errorReplies(400, 409, 413, 415, 429, 503) }
    }
  }, async (request, reply) => {
    const user = await users.register(request.body)
    // With an address (and EMAIL_VERIFICATION not off), the verification mail goes out after this reply.
    accountEmail.registered(user)
    return reply.code(201).send({ id: user.id, username: user.username, email: user.email })
  })
}

export default register

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LoginBody, TokenPairReply } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, BASIC_OR_NONE, errorReplies, errorReplyWith } from '../../schemas/common.js'
import { InvalidCredentialsError } from '../../services/errors.js'

const BASIC = /^\s*basic\b/i

/** Login with HTTP Basic (checked by @fastify/basic-auth) or with JSON credentials. */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users, sessions } = fastify

  fastify.post('/login', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['auth'],
      summary: 'Log in with HTTP Basic or JSON credentials; opens a session',
      security: BASIC_OR_NONE,
      body: LoginBody,
      response: {
        200: TokenPairReply,
        ...errorReplies(400, 413, 415, 429, 503),
        401: errorReplyWith(401, 'invalid_credentials', 'Invalid username or password')
      }
    },
    preHandler (request, reply, done) {
      if (BASIC.test(request.headers.authorization ?? '')) fastify.basicAuth(request, reply, done)
      else done()
    }
  }, async (request, reply) => {
    let user = request.authenticatedUser
    if (user === null) {
      // No body at all arrives as undefined (validated as null).
      if (request.body == null) throw new InvalidCredentialsError()
      user = await users.authenticate(request.body.username, request.body.password, { ip: request.ip })
    }
    const pair = await sessions.start(user, { userAgent: request.headers['user-agent'], ip: request.ip })
    return reply.header('cache-control', 'no-store').send(pair)
  })
}

export default login

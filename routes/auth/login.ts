import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LoginBody, TokenPairReply } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, BASIC_OR_NONE, errorReplies } from '../../schemas/common.js'
import { LoginUnauthorizedReply } from '../../schemas/mfa.js'
import { InvalidCredentialsError } from '../../services/errors.js'
import { MFA_REQUIRED } from '../../services/mfa/errors.js'

const BASIC = /^\s*basic\b/i

/** Login with HTTP Basic (checked by @fastify/basic-auth) or with JSON credentials. */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users, sessions, mfa } = fastify

  fastify.post('/login', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['auth'],
      summary: 'Log in with HTTP Basic or JSON credentials; opens a session, or answers 401 mfa_required with an mfa_token when the account has a second factor',
      security: BASIC_OR_NONE,
      body: LoginBody,
      response: {
        200: TokenPairReply,
        ...errorReplies(400, 413, 415, 429, 503),
        401: LoginUnauthorizedReply
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
    const client = { userAgent: request.headers['user-agent'], ip: request.ip }
    // 401 and not 200: a client that knows nothing of second factors fails closed, as on a wrong password.
    const challenge = await mfa.login.challenge(user, client)
    if (challenge !== null) {
      return reply.code(401).header('cache-control', 'no-store')
        .header('www-authenticate', 'Bearer realm="api", error="insufficient_user_authentication", acr_values="aal2"')
        .send({ statusCode: 401, error: 'Unauthorized', code: MFA_REQUIRED, message: 'A second factor is required: POST /auth/mfa/verify with the mfa_token and a code', ...challenge })
    }
    const pair = await sessions.start(user, client)
    return reply.header('cache-control', 'no-store').send(pair)
  })
}

export default login

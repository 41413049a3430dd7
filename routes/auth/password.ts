import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PasswordChangeBody } from '../../schemas/account.js'
import { AUTH_BODY_LIMIT, BEARER, errorReplies, errorReplyWith, NoContent } from '../../schemas/common.js'
import { activeUser } from '../../services/active-user.js'

/** Changes the caller's password; every other session of theirs ends. */
const password: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accounts, users } = fastify

  fastify.post('/password', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.passwordGuessLimit,
    // A user with a second factor changes the password from an aal2 session only (a stolen
    // password-only session must not turn into the account); a user without one is not locked out.
    onRequest: [fastify.authenticate, fastify.requireMfa('aal2', { onlyWhenEnrolled: true })],
    schema: {
      tags: ['auth'],
      summary: 'Change the password (current and new); ends every other session',
      description: 'A user with a second factor needs a session that used it (aal2): otherwise 403 mfa_required (step up with POST /auth/mfa/step-up). A wrong current password answers 403 invalid_credentials.',
      security: BEARER,
      body: PasswordChangeBody,
      response: {
        204: NoContent,
        ...errorReplies(400, 401, 413, 429, 503),
        403: errorReplyWith(403, 'invalid_credentials', 'The current password is wrong')
      }
    }
  }, async (request, reply) => {
    await activeUser(users, request.user.sub)
    const { current_password: current, new_password: next } = request.body
    await accounts.changePassword(request.user.sub, request.user.sid, current, next, { ip: request.ip })
    return reply.code(204).send(null)
  })
}

export default password

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Accepted, ACCEPTED_MESSAGE, AccountLookupBody, ResetBody } from '../../schemas/account-email.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith, NoContent } from '../../schemas/common.js'
import { lookupFromBody, proofFromBody } from '../../services/account-email-context.js'

const resetOff = errorReplyWith(403, 'password_reset_off', 'Password reset by email is turned off on this server (PASSWORD_RESET=off)')

/** Forgotten password: a link and a code by mail, then a new password with either. */
const passwordReset: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accountEmail } = fastify

  fastify.post('/password/forgot', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.mailRequestLimit,
    schema: {
      tags: ['account-email'],
      summary: 'Mail a password reset link and code: always 202, same body, answered before any lookup',
      body: AccountLookupBody,
      response: { 202: Accepted, 403: resetOff, ...errorReplies(400, 413, 415, 429) }
    }
  }, async (request, reply) => {
    // The lookup, the token and the mail all run after this reply: its timing cannot tell accounts apart.
    accountEmail.passwordReset.request(lookupFromBody(request.body), request.ip)
    return reply.code(202).send({ message: ACCEPTED_MESSAGE })
  })

  fastify.post('/password/reset', {
    bodyLimit: AUTH_BODY_LIMIT,
    schema: {
      tags: ['account-email'],
      summary: 'Set a new password with the mailed token, or with the code and the email or username; ends every session',
      body: ResetBody,
      response: {
        204: NoContent,
        400: errorReplyWith(400, 'invalid_or_expired_token', 'This link or code is invalid, used or expired; ask for a new one'),
        403: resetOff,
        ...errorReplies(413, 415, 503)
      }
    }
  }, async (request, reply) => {
    await accountEmail.passwordReset.reset(proofFromBody(request.body), request.body.new_password, request.ip)
    return reply.code(204).send(null)
  })
}

export default passwordReset

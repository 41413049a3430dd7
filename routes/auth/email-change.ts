import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Accepted, EmailChangeBody, EmailChangeConfirmBody, EmailVerified } from '../../schemas/account-email.js'
import { AUTH_BODY_LIMIT, BEARER, errorReplies, errorReplyWith } from '../../schemas/common.js'
import { activeUser } from '../../services/active-user.js'
import { InvalidAccessTokenError } from '../../services/errors.js'

const invalidToken = errorReplyWith(400, 'invalid_or_expired_token', 'This link or code is invalid, used or expired; ask for a new one')

/** Email change: requested with the current password, applied when the new address confirms. */
const emailChange: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accountEmail, users } = fastify

  fastify.post('/email/change', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: fastify.authenticate,
    preValidation: [fastify.passwordGuessLimit, fastify.mailRequestLimit],
    schema: {
      tags: ['account-email'],
      summary: 'Ask to change the address: a link and a code go to the new one, a notice to the old one; nothing changes until confirmed',
      security: BEARER,
      body: EmailChangeBody,
      response: {
        202: Accepted,
        ...errorReplies(400, 401, 413, 415, 429, 503),
        403: errorReplyWith(403, 'invalid_credentials', 'The current password is wrong')
      }
    }
  }, async (request, reply) => {
    await activeUser(users, request.user.sub)
    await accountEmail.emailChange.request({ userId: request.user.sub, newEmail: request.body.new_email, currentPassword: request.body.current_password, ip: request.ip })
    return reply.code(202).send({ message: 'A confirmation was sent to the new address; the change applies once it is confirmed' })
  })

  fastify.post('/email/change/confirm', {
    bodyLimit: AUTH_BODY_LIMIT,
    // The token form needs no login (the link may open on another device); the code form needs the account's Bearer.
    onRequest (request, reply, done) {
      if (request.headers.authorization === undefined) done()
      else fastify.authenticate(request, reply, done)
    },
    schema: {
      tags: ['account-email'],
      summary: 'Confirm the new address with the mailed token, or with the code and the Bearer token of the account',
      security: [{ bearerAuth: [] }, {}],
      body: EmailChangeConfirmBody,
      response: { 200: EmailVerified, 400: invalidToken, ...errorReplies(401, 409, 413, 415, 503) }
    }
  }, async (request) => {
    const body = request.body
    if (!('token' in body) && request.headers.authorization === undefined) throw new InvalidAccessTokenError('The code form needs the Bearer token of the account')
    const { email } = await accountEmail.emailChange.confirm('token' in body ? { token: body.token } : { userId: request.user.sub, code: body.code }, request.ip)
    return { email, email_verified: true as const }
  })
}

export default emailChange

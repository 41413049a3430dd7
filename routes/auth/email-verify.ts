import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Accepted, ACCEPTED_MESSAGE, AccountLookupBody, EmailVerified, VerifyBody } from '../../schemas/account-email.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith } from '../../schemas/common.js'
import { lookupFromBody, proofFromBody } from '../../services/account-email-context.js'

const invalidToken = errorReplyWith(400, 'invalid_or_expired_token', 'This link or code is invalid, used or expired; ask for a new one')

/** Email verification: ask for a (new) link and code, then prove the mailbox with either. */
const emailVerify: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accountEmail } = fastify

  fastify.post('/email/verify/request', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.mailRequestLimit,
    schema: {
      tags: ['account-email'],
      summary: 'Mail a new verification link and code (same 202 whether or not the account exists or is verified)',
      body: AccountLookupBody,
      response: { 202: Accepted, ...errorReplies(400, 413, 415, 429) }
    }
  }, async (request, reply) => {
    accountEmail.verification.request(lookupFromBody(request.body), request.ip)
    return reply.code(202).send({ message: ACCEPTED_MESSAGE })
  })

  fastify.post('/email/verify', {
    bodyLimit: AUTH_BODY_LIMIT,
    schema: {
      tags: ['account-email'],
      summary: 'Verify the address with the mailed token, or with the code and the email or username',
      body: VerifyBody,
      response: { 200: EmailVerified, 400: invalidToken, ...errorReplies(413, 415, 503) }
    }
  }, async (request) => {
    const { email } = await accountEmail.verification.verify(proofFromBody(request.body))
    return { email, email_verified: true as const }
  })
}

export default emailVerify

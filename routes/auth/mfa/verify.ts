import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TokenPairReply } from '../../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith } from '../../../schemas/common.js'
import { MfaVerifyBody } from '../../../schemas/mfa.js'

/** The second step of a password login: the mfa_token of the mfa_required reply and a code. */
const verify: FastifyPluginAsyncTypebox = async (fastify) => {
  const { mfa } = fastify

  fastify.post('/verify', {
    bodyLimit: AUTH_BODY_LIMIT,
    // A code is a guess like a password: the same per-IP budget.
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['mfa'],
      summary: 'Complete a login with a TOTP code or a recovery code; opens a session at aal2',
      description: 'A wrong code answers 401 invalid_mfa_code and counts toward the per-account login throttle; the mfa_token survives 4 wrong codes and dies at the 5th. A used, expired or unknown mfa_token answers 401 invalid_mfa_token: log in again.',
      body: MfaVerifyBody,
      response: {
        200: TokenPairReply,
        ...errorReplies(400, 413, 415, 429, 503),
        401: errorReplyWith(401, 'invalid_mfa_code', 'Invalid or already used code')
      }
    }
  }, async (request, reply) => {
    const { mfa_token: mfaToken, ...proof } = request.body
    const pair = await mfa.login.verify(mfaToken, proof, { userAgent: request.headers['user-agent'], ip: request.ip })
    return reply.header('cache-control', 'no-store').send(pair)
  })
}

export default verify

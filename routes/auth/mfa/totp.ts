import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AUTH_BODY_LIMIT, BEARER, errorReplies, errorReplyWith, NoContent } from '../../../schemas/common.js'
import { CodeBody, CurrentPasswordBody, SecondFactorBody, TotpConfirmedReply, TotpEnrolmentReply } from '../../../schemas/mfa.js'
import { activeUser } from '../../../services/active-user.js'
import { ForbiddenError, InvalidCredentialsError } from '../../../services/errors.js'
import { stepUpSession } from '../../../services/mfa/step-up.js'

const wrongCode = errorReplyWith(401, 'invalid_mfa_code', 'Invalid or already used code')

/** The caller's authenticator app: enrol (pending), confirm with a first code, remove. */
const totp: FastifyPluginAsyncTypebox = async (fastify) => {
  const { mfa, users } = fastify
  const meta = (summary: string) => ({ tags: ['mfa'], summary, security: BEARER })

  fastify.post('/totp/enroll', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.passwordGuessLimit,
    onRequest: fastify.authenticate,
    schema: {
      ...meta('Start setting up an authenticator app (current password): secret, otpauth URI and QR code'),
      description: 'The factor stays pending (login does not ask for it) until POST /auth/mfa/totp/confirm. Refused with 409 totp_already_enrolled while an active one exists. A pending one is replaced.',
      body: CurrentPasswordBody,
      response: {
        200: TotpEnrolmentReply,
        ...errorReplies(400, 401, 413, 429, 503),
        403: errorReplyWith(403, 'invalid_credentials', 'The current password is wrong'),
        409: errorReplyWith(409, 'totp_already_enrolled', 'An authenticator app is already set up: remove it first (DELETE /auth/mfa/totp)')
      }
    }
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    try {
      // Checked like a login: the throttle counts a wrong password here too.
      await users.authenticate(user.username, request.body.current_password, { ip: request.ip })
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new ForbiddenError('The current password is wrong', 'invalid_credentials')
      throw error
    }
    return mfa.factors.enrollTotp(user)
  })

  fastify.post('/totp/confirm', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: fastify.authenticate,
    schema: {
      ...meta('Activate the pending authenticator app with its current code; returns 10 recovery codes (shown once) and steps the session up'),
      body: CodeBody,
      response: {
        200: TotpConfirmedReply,
        ...errorReplies(400, 413, 429, 503),
        401: wrongCode,
        409: errorReplyWith(409, 'totp_not_pending', 'No authenticator app is waiting for confirmation: start with POST /auth/mfa/totp/enroll')
      }
    }
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    const recoveryCodes = await mfa.factors.confirmTotp(user, request.body.code, request.ip)
    const token = await stepUpSession(fastify, user, request.user.sid)
    return { recovery_codes: recoveryCodes, ...token }
  })

  fastify.delete('/totp', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: [fastify.authenticate, fastify.requireMfa()],
    schema: {
      ...meta('Remove the authenticator app (a current code or a recovery code; an aal2 session)'),
      description: 'Recovery codes go too unless a passkey remains.',
      body: SecondFactorBody,
      response: {
        204: NoContent,
        ...errorReplies(400, 413, 429, 503),
        401: wrongCode,
        403: errorReplyWith(403, 'mfa_required', 'This route needs a session that used a second factor: step up with POST /auth/mfa/step-up, or log in with your second factor'),
        409: errorReplyWith(409, 'totp_not_enrolled', 'No authenticator app is set up')
      }
    }
  }, async (request, reply) => {
    const user = await activeUser(users, request.user.sub)
    await mfa.factors.removeTotp(user, request.body, request.ip)
    return reply.code(204).send(null)
  })
}

export default totp

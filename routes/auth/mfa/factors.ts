import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AUTH_BODY_LIMIT, BEARER, errorReplies, errorReplyWith } from '../../../schemas/common.js'
import { AccessTokenReply, CodeBody, MfaStatusReply, RecoveryCodesReply, SecondFactorBody } from '../../../schemas/mfa.js'
import { activeUser } from '../../../services/active-user.js'
import { MfaStateError } from '../../../services/mfa/errors.js'
import { stepUpSession } from '../../../services/mfa/step-up.js'

const wrongCode = errorReplyWith(401, 'invalid_mfa_code', 'Invalid or already used code')
const needsMfa = errorReplyWith(403, 'mfa_required', 'This route needs a session that used a second factor: step up with POST /auth/mfa/step-up, or log in with your second factor')

/** The caller's second factors: status, new recovery codes, step-up. */
const mfaRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { mfa, users } = fastify
  const meta = (summary: string) => ({ tags: ['mfa'], summary, security: BEARER })

  fastify.get('/', {
    onRequest: fastify.authenticate,
    schema: { ...meta('The caller\'s second factors: authenticator app, recovery codes left, passkeys'), response: { 200: MfaStatusReply, ...errorReplies(401, 503) } }
  }, async (request) => {
    await activeUser(users, request.user.sub)
    return mfa.factors.status(request.user.sub)
  })

  fastify.post('/recovery-codes', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: [fastify.authenticate, fastify.requireMfa()],
    schema: {
      ...meta('Replace the recovery codes (a current TOTP code; an aal2 session): the old set stops working'),
      body: CodeBody,
      response: { 200: RecoveryCodesReply, ...errorReplies(400, 413, 429, 503), 401: wrongCode, 403: needsMfa }
    }
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    return { recovery_codes: await mfa.factors.regenerateRecoveryCodes(user, request.body.code, request.ip) }
  })

  fastify.post('/step-up', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: fastify.authenticate,
    schema: {
      ...meta('Raise the current session to aal2 with a second factor, without logging out'),
      description: 'Returns a new access token of the same session; the refresh token is unchanged and refreshes at aal2 from now on.',
      body: SecondFactorBody,
      response: {
        200: AccessTokenReply,
        ...errorReplies(400, 413, 429, 503),
        401: wrongCode,
        409: errorReplyWith(409, 'totp_not_enrolled', 'No second factor is set up: enrol one with POST /auth/mfa/totp/enroll')
      }
    }
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    if ((await mfa.factors.challengeMethods(user.id)).length === 0) throw new MfaStateError('totp_not_enrolled', 'No second factor is set up: enrol one with POST /auth/mfa/totp/enroll')
    const method = await mfa.factors.prove(user, request.body, request.ip)
    const token = await stepUpSession(fastify, user, request.user.sid)
    fastify.audit({ event: 'mfa_step_up', userId: user.id, sessionId: request.user.sid, ip: request.ip, method })
    return token
  })
}

export default mfaRoutes

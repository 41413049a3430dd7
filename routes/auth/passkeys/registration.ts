import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AUTH_BODY_LIMIT, BEARER, errorReplies, errorReplyWith } from '../../../schemas/common.js'
import { RegisteredPasskey, RegisterOptionsBody, RegisterOptionsReply, RegisterVerifyBody } from '../../../schemas/passkeys.js'
import { activeUser } from '../../../services/active-user.js'
import { passkeySummary } from '../../../services/webauthn/summary.js'

/** Registering a passkey for the logged-in user: options, then the authenticator's answer. */
const registration: FastifyPluginAsyncTypebox = async (fastify) => {
  const { passkeys, users } = fastify

  fastify.post('/register/options', {
    bodyLimit: AUTH_BODY_LIMIT,
    // The current password may be typed here: it spends the same per-IP guess budget as a login.
    preValidation: fastify.passwordGuessLimit,
    onRequest: fastify.authenticate,
    schema: {
      tags: ['passkeys'],
      summary: 'Start registering a passkey: creation options and a challenge_id (needs the current password unless the token is aal2)',
      security: BEARER,
      body: RegisterOptionsBody,
      response: {
        200: RegisterOptionsReply,
        ...errorReplies(400, 401, 413, 415, 429, 503),
        403: errorReplyWith(403, 'reauthentication_required', 'Adding a passkey needs the current password, or a session logged in with a second factor'),
        409: errorReplyWith(409, 'passkey_limit', 'An account holds at most 20 passkeys: delete one first')
      }
    }
  }, async (request) => {
    const user = await activeUser(users, request.user.sub)
    await passkeys.assertMayAddPasskey({ userId: user.id, acr: request.user.acr, password: request.body.password, ip: request.ip })
    const { challengeId, options } = await passkeys.registration.options(user)
    return { challenge_id: challengeId, options }
  })

  fastify.post('/register/verify', {
    bodyLimit: AUTH_BODY_LIMIT,
    onRequest: fastify.authenticate,
    schema: {
      tags: ['passkeys'],
      summary: 'Finish registering a passkey with the result of navigator.credentials.create()',
      security: BEARER,
      body: RegisterVerifyBody,
      response: {
        201: RegisteredPasskey,
        400: errorReplyWith(400, 'invalid_challenge', 'Unknown, used or expired challenge_id: ask for new options'),
        ...errorReplies(401, 413, 415, 503),
        409: errorReplyWith(409, 'passkey_exists', 'This passkey is already registered')
      }
    }
  }, async (request, reply) => {
    const user = await activeUser(users, request.user.sub)
    // Strings where the library's types name enums (transports): the verifier checks the content.
    const { challenge_id: challengeId, response, name } = request.body
    const passkey = await passkeys.registration.verify(user, challengeId, response as RegistrationResponseJSON, name)
    // A passkey becomes a second factor of the account: without recovery codes, losing it would
    // leave only an admin reset.
    const recoveryCodes = await fastify.mfa.factors.issueRecoveryCodesIfNone(user.id)
    return reply.code(201).send({ ...passkeySummary(passkey), ...(recoveryCodes === null ? {} : { recovery_codes: recoveryCodes }) })
  })
}

export default registration

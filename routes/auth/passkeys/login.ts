import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { TokenPairReply } from '../../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith } from '../../../schemas/common.js'
import { LoginOptionsReply, LoginVerifyBody } from '../../../schemas/passkeys.js'

/**
 * The usernameless passkey login: options (a challenge, no list of credentials), then the
 * assertion, which names its own passkey and user. Both count against the per-IP login budget.
 */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { passkeys, sessions } = fastify

  fastify.post('/login/options', {
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['passkeys'],
      summary: 'Start a passkey login: request options and a challenge_id (no username needed)',
      response: { 200: LoginOptionsReply, ...errorReplies(429, 503) }
    }
  }, async () => {
    const { challengeId, options } = await passkeys.login.options()
    return { challenge_id: challengeId, options }
  })

  fastify.post('/login/verify', {
    bodyLimit: AUTH_BODY_LIMIT,
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['passkeys'],
      summary: 'Log in with the result of navigator.credentials.get(); opens a session (aal2 when the authenticator verified the user)',
      body: LoginVerifyBody,
      response: {
        200: TokenPairReply,
        400: errorReplyWith(400, 'invalid_challenge', 'Unknown, used or expired challenge_id: ask for new options'),
        401: errorReplyWith(401, 'invalid_passkey', 'The passkey could not be verified'),
        403: errorReplyWith(403, 'account_disabled', 'This account is disabled'),
        ...errorReplies(413, 415, 429, 503)
      }
    }
  }, async (request, reply) => {
    // The schema bounds sizes and shapes; the verifier checks the content (strings where the
    // library's types name enums: a transport a newer browser reports is not an error).
    const { challenge_id: challengeId, response } = request.body
    const login = await passkeys.login.verify(challengeId, response as AuthenticationResponseJSON, { ip: request.ip })
    const pair = await sessions.start(login.user, { userAgent: request.headers['user-agent'], ip: request.ip, amr: login.amr })
    return reply.send(pair)
  })
}

export default login

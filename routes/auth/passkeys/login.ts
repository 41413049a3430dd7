import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TokenPairReply } from '../../../schemas/auth.js'
import { AUTH_BODY_LIMIT, errorReplies, errorReplyWith } from '../../../schemas/common.js'
import { LoginOptionsReply, LoginVerifyBody } from '../../../schemas/passkeys.js'
import { InvalidMfaTokenError } from '../../../services/mfa/errors.js'
import { PasskeyLoginError } from '../../../services/webauthn/errors.js'

/**
 * The passkey login: options (a challenge, no list of credentials), then the assertion, which
 * names its own passkey and user. On its own it is a usernameless login; with the mfa_token of a
 * password login that answered mfa_required it is that login's second factor. Both routes count
 * against the per-IP login budget.
 */
const login: FastifyPluginAsyncTypebox = async (fastify) => {
  const { passkeys, sessions, mfa } = fastify

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
      summary: 'Log in with the result of navigator.credentials.get() (aal2 with user verification), or complete a password login\'s mfa_required with it',
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
    const { challenge_id: challengeId, response, mfa_token: mfaToken } = request.body
    const client = { userAgent: request.headers['user-agent'], ip: request.ip }
    // Looked up, not consumed: a passkey that fails leaves the password login's challenge alive.
    const pending = mfaToken === undefined ? null : await mfa.login.pendingUser(mfaToken)
    if (mfaToken !== undefined && pending === null) throw new InvalidMfaTokenError()
    const login = await passkeys.login.verify(challengeId, response as AuthenticationResponseJSON, { ip: request.ip }, { requireUserVerification: mfaToken === undefined })
    if (mfaToken === undefined) return reply.send(await sessions.start(login.user, { ...client, amr: login.amr }))
    // Someone else's passkey answers like a bad one.
    if (login.user.id !== pending?.userId) throw new PasskeyLoginError()
    // The password was the first factor; the passkey is the second: amr ['pwd', 'hwk'], aal2.
    return reply.send(await mfa.login.completeLogin(mfaToken, { userId: login.user.id, methods: ['hwk'] }, client))
  })
}

export default login

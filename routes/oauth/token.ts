import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TokenPairReply } from '../../schemas/auth.js'
import { AUTH_BODY_LIMIT, BASIC_OR_NONE } from '../../schemas/common.js'
import { OAuthTokenErrorReply } from '../../schemas/mfa.js'
import { oauthErrorReplies, TokenRequest } from '../../schemas/oauth.js'
import { OAuthError } from '../../services/errors.js'

const BASIC = /^\s*basic\b/i

/**
 * RFC 6749 token endpoint: the password grant (section 4.3; credentials in the body or HTTP
 * Basic) and the refresh_token grant (section 6), on the same sessions as /auth/*.
 */
const token: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users, sessions, mfa } = fastify

  fastify.post('/token', {
    bodyLimit: AUTH_BODY_LIMIT,
    config: { rateLimit: fastify.authRateLimits.refresh },
    preValidation: fastify.passwordGuessLimit,
    schema: {
      tags: ['oauth'],
      summary: 'RFC 6749 token endpoint: password and refresh_token grants (form-encoded or JSON)',
      security: BASIC_OR_NONE,
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: TokenRequest,
      response: { 200: TokenPairReply, ...oauthErrorReplies(401, 403, 413, 429, 503), 400: OAuthTokenErrorReply }
    },
    preHandler (request, reply, done) {
      const wantsBasic = request.body.grant_type === 'password' && request.body.username === undefined
      if (wantsBasic && BASIC.test(request.headers.authorization ?? '')) fastify.basicAuth(request, reply, done)
      else done()
    }
  }, async (request, reply) => {
    const { grant_type: grantType, username, password, refresh_token: refreshToken } = request.body
    if (grantType === 'refresh_token') {
      if (refreshToken === undefined) throw new OAuthError(400, 'invalid_request', 'refresh_token is required')
      return sessions.refresh(refreshToken)
    }
    if (grantType !== 'password') throw new OAuthError(400, 'unsupported_grant_type', 'Supported grant types: password, refresh_token')
    let user = request.authenticatedUser
    if (user === null) {
      if (username === undefined || password === undefined) throw new OAuthError(400, 'invalid_request', 'username and password are required')
      user = await users.authenticate(username, password, { ip: request.ip })
    }
    const client = { userAgent: request.headers['user-agent'], ip: request.ip }
    // RFC 6749 section 5.2's status for a grant that cannot be honoured (400), with an error code of
    // our own (mfa_required, an extension error value) and the mfa_token to answer at /auth/mfa/verify.
    const challenge = await mfa.login.challenge(user, client)
    if (challenge !== null) {
      return reply.code(400).send({ error: 'mfa_required', error_description: 'A second factor is required: POST /auth/mfa/verify with the mfa_token and a code', mfa_token: challenge.mfa_token, methods: challenge.methods })
    }
    return sessions.start(user, client)
  })
}

export default token

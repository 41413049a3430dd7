import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { InvalidAccessTokenError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: accepts only a valid, unrevoked Bearer access token in the Authorization header. */
    authenticate: onRequestHookHandler
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i

/**
 * The guard. Per request: a header match, a cached signature check and a lookup of the session
 * id in the in-memory revocation view. No storage call. Route folders opt in through their
 * autohooks.ts.
 *
 * A callback hook, not an async one: nothing here waits, and an async hook would cost every
 * protected request a promise and a microtask turn. A throw is Fastify's error path too.
 */
export default fp(async (fastify) => {
  const { tokens, revocations } = fastify

  fastify.decorate('authenticate', function authenticate (request, _reply, done) {
    const header = request.headers.authorization
    const match = header === undefined ? null : BEARER.exec(header)
    if (match === null) throw new InvalidAccessTokenError('Missing or malformed Bearer token in the Authorization header')
    const claims = tokens.verifyAccessToken(match[1] as string)
    if (revocations.isRevoked(claims.sid)) throw new InvalidAccessTokenError()
    request.user = claims
    done()
  } satisfies onRequestHookHandler)
}, { name: 'authenticate', dependencies: ['services'] })

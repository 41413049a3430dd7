import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { InvalidAccessTokenError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: accepts only a valid, unrevoked Bearer access token in the Authorization header. */
    authenticate: onRequestHookHandler
  }
}

/** "bearer", lowercase: the scheme is matched without regard to case (RFC 9110, 11.1). */
const SCHEME = 'bearer'

/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme is compared letter
 * by letter (an ASCII letter with bit 0x20 set is its lowercase form), then one space. The token's
 * own syntax (RFC 6750's b64token) is checked by the verifier, and only for a token it has not
 * verified before: a remembered token passed that check when it was first seen.
 */
export function bearerToken (header: string | undefined): string | null {
  if (header === undefined || header.length <= SCHEME.length + 1) return null
  for (let i = 0; i < SCHEME.length; i++) {
    if ((header.charCodeAt(i) | 0x20) !== SCHEME.charCodeAt(i)) return null
  }
  return header.charCodeAt(SCHEME.length) === 0x20 ? header.slice(SCHEME.length + 1) : null
}

/**
 * The guard. Per request: the scheme's 7 characters, a cached signature check and a lookup of the
 * session id in the in-memory revocation view. No storage call. Route folders opt in through their
 * autohooks.ts.
 *
 * Every reply of a guarded route, errors included, carries `Cache-Control: no-store`.
 *
 * A callback hook, not an async one: nothing here waits, and an async hook would cost every
 * protected request a promise and a microtask turn. A throw is Fastify's error path too.
 */
export default fp(async (fastify) => {
  const { tokens, revocations } = fastify

  fastify.decorate('authenticate', function authenticate (request, reply, done) {
    // Whatever a guarded route answers is about its caller: no cache may keep it for another.
    reply.header('cache-control', 'no-store')
    const token = bearerToken(request.headers.authorization)
    if (token === null) throw new InvalidAccessTokenError('Missing or malformed Bearer token in the Authorization header')
    const claims = tokens.verifyAccessToken(token)
    if (revocations.isRevoked(claims.sid)) throw new InvalidAccessTokenError()
    request.user = claims
    done()
  } satisfies onRequestHookHandler)
}, { name: 'authenticate', dependencies: ['services'] })

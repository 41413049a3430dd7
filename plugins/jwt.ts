import jwt from '@fastify/jwt'
import fp from 'fastify-plugin'
import type { AccessClaims, AccessPayload } from '../services/tokens.js'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessPayload
    user: AccessClaims
  }
}

/** Only this algorithm is signed and accepted; a token naming another one (or none) is refused. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256'

/**
 * @fastify/jwt with one signer and one cached verifier, both built once at start-up:
 * algorithm, issuer, audience and lifetime are pinned here, never taken from a token.
 */
export default fp(async (fastify) => {
  const { JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, ACCESS_TOKEN_TTL } = fastify.config
  await fastify.register(jwt, {
    secret: JWT_SECRET,
    sign: {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      iss: JWT_ISSUER,
      aud: JWT_AUDIENCE,
      expiresIn: ACCESS_TOKEN_TTL
    },
    verify: {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      allowedIss: JWT_ISSUER,
      allowedAud: JWT_AUDIENCE,
      requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp', 'iss', 'aud'],
      cache: 10_000,
      errorCacheTTL: 60_000
    }
  })
}, { name: 'jwt', dependencies: ['config'] })

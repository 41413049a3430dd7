import jwt from '@fastify/jwt'
import fp from 'fastify-plugin'
import type { AppOptions } from '../services/config.js'
import { loadKeySet, type KeySet } from '../services/keys.js'
import { createAccessTokenSigner } from '../services/token-signer.js'
import { createAccessTokenVerifier } from '../services/token-verifier.js'
import type { AccessClaims, AccessPayload } from '../services/tokens.js'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessPayload
    user: AccessClaims
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Our signing keys: the newest signs, all verify. */
    signingKeys: KeySet
    /** Signs an access token with the newest key (see services/token-signer.ts). */
    signAccessJwt: (payload: AccessPayload) => string
    /** Verifies an access token against our own key set only (see services/token-verifier.ts). */
    verifyAccessJwt: (token: string) => unknown
  }
}

/**
 * Signing: one signer built at start-up from the newest key (services/token-signer.ts), algorithm,
 * kid, issuer, audience and lifetime pinned. Verification: one cached verifier per configured key,
 * chosen by kid from our own set, the algorithm pinned to the key's type. @fastify/jwt is registered with
 * the same settings, so a route plugin of yours can use fastify.jwt and request.jwtVerify().
 */
export default fp<AppOptions>(async (fastify, opts) => {
  const config = fastify.config
  const now = opts.now ?? Date.now
  const keys = loadKeySet({ algorithm: config.JWT_ALGORITHM, secret: config.JWT_SECRET, privateKeys: config.JWT_PRIVATE_KEYS })
  const { current } = keys
  const secret = current.publicJwk === null ? current.signingKey : { private: current.signingKey, public: current.verifyingKey }
  await fastify.register(jwt, {
    secret,
    sign: {
      algorithm: current.alg,
      kid: current.kid,
      iss: config.JWT_ISSUER,
      aud: config.JWT_AUDIENCE,
      expiresIn: config.ACCESS_TOKEN_TTL
    },
    // request.jwtVerify() stays safe if a route calls it, but the guard uses verifyAccessJwt.
    verify: { algorithms: [current.alg], allowedIss: config.JWT_ISSUER, allowedAud: config.JWT_AUDIENCE }
  })
  fastify.decorate('signingKeys', keys)
  fastify.decorate('signAccessJwt', createAccessTokenSigner({ key: current, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL, now }))
  fastify.decorate('verifyAccessJwt', createAccessTokenVerifier({ keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, now }))
  if (config.JWT_ALGORITHM === 'HS256' && config.jwtSecretGenerated) {
    fastify.log.warn('JWT_SECRET is not set: using a random secret for this process; tokens will not survive a restart')
  }
  fastify.log.info({ alg: current.alg, kid: current.kid, keys: keys.byKid.size }, 'signing keys loaded')
}, { name: 'jwt', dependencies: ['config'] })

import { randomUUID } from 'node:crypto'
import { assuranceLevel, type AssuranceLevel } from './assurance.js'
import { InvalidAccessTokenError } from './errors.js'
import { createRandomPool } from './random-pool.js'
import { sha256Hex } from './sha256.js'
import { CLOCK_TOLERANCE_SECONDS } from './token-verifier.js'

/** Marker that tells an access token apart from anything else we might sign. */
export const ACCESS_TOKEN_TYPE = 'access'

export interface AccessClaims {
  sub: string
  sid: string
  jti: string
  typ: typeof ACCESS_TOKEN_TYPE
  roles: string[]
  /** How the user authenticated for this session (services/assurance.ts); absent in tokens issued before it existed. */
  amr?: string[]
  /** The assurance level `amr` adds up to. */
  acr?: AssuranceLevel
  /** Whether the user's email address is verified (false when they have none). */
  email_verified?: boolean
  iat: number
  exp: number
  iss: string
  aud: string
}

export type AccessPayload = Pick<AccessClaims, 'sub' | 'sid' | 'jti' | 'typ' | 'roles'> & Required<Pick<AccessClaims, 'amr' | 'acr' | 'email_verified'>>

export interface TokenServiceOptions {
  /** Signs with the pinned algorithm, issuer, audience and expiry (a signer built once). */
  sign: (payload: AccessPayload) => string
  /** Verifies signature, algorithm, issuer, audience and expiry (a cached verifier built once). */
  verify: (token: string) => unknown
  accessTokenTtl: number
}

export interface TokenService {
  issueAccessToken (subject: { userId: string, sessionId: string, roles: string[], amr: string[], emailVerified: boolean }): string
  /** Returns the claims of a valid access token; throws InvalidAccessTokenError otherwise. */
  verifyAccessToken (token: string): AccessClaims
  /**
   * The last moment (ms) at which a verifier of ours may still accept an access token issued at
   * or before `issuedBy` (ms): its exp plus the clock tolerance. A revocation lasts until then.
   */
  acceptedUntil (issuedBy: number): number
  readonly accessTokenTtl: number
}

const refreshTokenBytes = createRandomPool()

/** A refresh token: 256 random bits, base64url; only its hash is ever stored. */
export function newRefreshToken (): string {
  return refreshTokenBytes.base64url(32)
}

export function hashRefreshToken (token: string): string {
  return sha256Hex(token)
}

export function createTokenService ({ sign, verify, accessTokenTtl }: TokenServiceOptions): TokenService {
  return {
    accessTokenTtl,

    acceptedUntil: (issuedBy) => issuedBy + (accessTokenTtl + CLOCK_TOLERANCE_SECONDS) * 1000,

    issueAccessToken ({ userId, sessionId, roles, amr, emailVerified }) {
      return sign({ sub: userId, sid: sessionId, jti: randomUUID(), typ: ACCESS_TOKEN_TYPE, roles, amr, acr: assuranceLevel(amr), email_verified: emailVerified })
    },

    verifyAccessToken (token) {
      let claims: unknown
      try {
        claims = verify(token)
      } catch (error) {
        throw new InvalidAccessTokenError(undefined, { cause: error })
      }
      if (!isAccessClaims(claims)) throw new InvalidAccessTokenError()
      return claims
    }
  }
}

function isAccessClaims (claims: unknown): claims is AccessClaims {
  if (typeof claims !== 'object' || claims === null) return false
  const c = claims as Record<string, unknown>
  return c.typ === ACCESS_TOKEN_TYPE &&
    typeof c.sub === 'string' && typeof c.sid === 'string' && typeof c.jti === 'string' &&
    Array.isArray(c.roles) && c.roles.every((role) => typeof role === 'string')
}

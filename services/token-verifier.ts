import { createVerifier } from 'fast-jwt'
import { KID_PATTERN, type KeySet } from './keys.js'

/** Tokens larger than this are refused before any parsing. */
export const MAX_TOKEN_BYTES = 8192
/**
 * Allowed clock difference between us and whoever checks our tokens' times: a token is accepted
 * until exp plus this. Revocation records last as long (TokenService.acceptedUntil), so a revoked
 * token is refused for as long as any verifier of ours would accept it.
 */
export const CLOCK_TOLERANCE_SECONDS = 30
/** Header parameters that would point at a key from outside our own set: never trusted. */
const FORBIDDEN_HEADER_PARAMS = ['jwk', 'jku', 'x5u', 'x5c', 'crit']
const MAX_KNOWN_HEADERS = 1000

/** How long a verified token is remembered at most (fast-jwt's default cacheTTL). */
const CACHE_TTL_MS = 600_000
/**
 * Remembered tokens are found by their last characters (the end of the signature: over 90 bits
 * that differ from token to token) and then compared in full. V8 hashes a string once per string
 * object, and every request brings a new one: hashing the whole token (300 to 500 characters for
 * our HS256 tokens) was most of what a cache hit cost.
 */
const CACHE_KEY_CHARS = 16
/** RFC 6750's b64token: what a Bearer token may consist of. Anything else is refused unparsed. */
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/

export interface VerifierOptions {
  keys: KeySet
  issuer: string
  audience: string
  /** Verified tokens remembered, so a token seen before costs no signature check (0: none). */
  cacheSize?: number
  /** Milliseconds since the epoch (Date.now unless a test sets a clock). */
  now?: () => number
}

interface Verified {
  /** The whole token: an entry is found by the end of a token, and used only for this exact text. */
  token: string
  claims: unknown
  /** The token is accepted from this time (nbf minus the tolerance)... */
  validFrom: number
  /** ...until this one: exp plus the tolerance, and at most CACHE_TTL_MS after it was verified. */
  validUntil: number
}

export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError'
}

type Verify = (token: string) => unknown

/**
 * Verifies our access tokens. The key comes only from our configured set, by the header's kid,
 * and the header's alg must be that key's algorithm. One fast-jwt verifier per key is built at
 * start-up. The encoded header segment is the same for every token of a key, so the key for a
 * header is looked up once and remembered.
 *
 * Verified tokens are remembered with the time window in which they stay valid, in a Map keyed by
 * the token's last CACHE_KEY_CHARS characters; an entry counts only if its whole token equals the
 * one presented, so two tokens sharing an end can only cost a cache miss, never pass for each
 * other. A token seen before costs one Map get, one string comparison and a clock check. fast-jwt's
 * own cache is not used: it keys entries by a SHA-256 of the token, computed on every call (about
 * 7 µs a call measured here). Failures are not remembered: an invalid token always gets the full
 * check, which starts with the b64token syntax, so the guard need not scan the token itself.
 */
export function createAccessTokenVerifier ({ keys, issuer, audience, cacheSize = 10_000, now: clock = Date.now }: VerifierOptions): Verify {
  const verifiersByKid = new Map<string, Verify>()
  for (const key of keys.byKid.values()) {
    verifiersByKid.set(key.kid, createVerifier({
      key: key.verifyingKey,
      algorithms: [key.alg],
      allowedIss: issuer,
      allowedAud: audience,
      requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp', 'iss', 'aud'],
      // The times are checked below against our own clock (fast-jwt's is fixed at creation).
      ignoreExpiration: true,
      ignoreNotBefore: true,
      cache: false
    }))
  }
  const verifierByHeader = new Map<string, Verify | null>()

  function verifierFor (encodedHeader: string): Verify | null {
    const known = verifierByHeader.get(encodedHeader)
    if (known !== undefined) return known
    const found = resolveHeader(encodedHeader)
    if (verifierByHeader.size < MAX_KNOWN_HEADERS) verifierByHeader.set(encodedHeader, found)
    return found
  }

  function resolveHeader (encodedHeader: string): Verify | null {
    let header: unknown
    try {
      header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'))
    } catch {
      return null // not a JWT header: refused below like any unknown key
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return null
    const { kid, alg } = header as Record<string, unknown>
    if (FORBIDDEN_HEADER_PARAMS.some((name) => Object.hasOwn(header as object, name))) return null
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return null
    const key = keys.byKid.get(kid)
    if (key === undefined || alg !== key.alg) return null
    return verifiersByKid.get(kid) ?? null
  }

  const verified = new Map<string, Verified>()

  function remember (key: string, token: string, claims: { exp?: unknown, nbf?: unknown }, now: number): void {
    if (cacheSize <= 0) return
    if (verified.size >= cacheSize && !verified.has(key)) verified.delete(verified.keys().next().value as string) // the oldest
    const tolerance = CLOCK_TOLERANCE_SECONDS * 1000
    verified.set(key, {
      token,
      claims,
      validFrom: typeof claims.nbf === 'number' ? claims.nbf * 1000 - tolerance : 0,
      validUntil: Math.min(now + CACHE_TTL_MS, typeof claims.exp === 'number' ? claims.exp * 1000 + tolerance : Number.POSITIVE_INFINITY)
    })
  }

  return (token) => {
    if (token.length > MAX_TOKEN_BYTES) throw new TokenRejectedError('token too large')
    const now = clock()
    const key = token.length > CACHE_KEY_CHARS ? token.slice(-CACHE_KEY_CHARS) : token
    const known = verified.get(key)
    if (known !== undefined && known.token === token) {
      if (now >= known.validFrom && now <= known.validUntil) return known.claims
      verified.delete(key)
    }
    if (!B64TOKEN.test(token)) throw new TokenRejectedError('not a b64token')
    const dot = token.indexOf('.')
    const verify = dot > 0 ? verifierFor(token.slice(0, dot)) : null
    if (verify === null) throw new TokenRejectedError('unknown key or forbidden header')
    const claims = verify(token) as { iat?: unknown, exp?: unknown, nbf?: unknown }
    checkTimes(claims, now)
    remember(key, token, claims, now)
    return claims
  }
}

/** exp and nbf with the tolerance, and iat as well: a token from the future is skew too. */
function checkTimes ({ iat, exp, nbf }: { iat?: unknown, exp?: unknown, nbf?: unknown }, now: number): void {
  const tolerance = CLOCK_TOLERANCE_SECONDS * 1000
  if (typeof exp !== 'number' || now > exp * 1000 + tolerance) throw new TokenRejectedError('expired')
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf * 1000 - tolerance)) throw new TokenRejectedError('not active yet')
  if (typeof iat !== 'number' || iat * 1000 > now + tolerance) throw new TokenRejectedError('issued in the future')
}

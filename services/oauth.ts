import { createHash, timingSafeEqual } from 'node:crypto'
import { discardAudit, type AuditSink } from './audit.js'
import { createClientAuthLimiter } from './client-auth-limiter.js'
import { OAuthError } from './errors.js'
import type { RevocationView } from './revocations.js'
import type { SessionService } from './sessions.js'
import type { Store } from './storage/types.js'
import { hashRefreshToken, type TokenService } from './tokens.js'

export type TokenTypeHint = 'access_token' | 'refresh_token'

export type Introspection =
  | { active: false }
  | { active: true, token_type: TokenTypeHint, sub: string, sid: string, exp: number, iat?: number, iss?: string, aud?: string, scope?: string, roles?: string[], jti?: string }

export interface OAuthService {
  /** RFC 7009: ends the session a refresh or access token belongs to; unknown tokens are fine. */
  revoke (token: string, hint?: TokenTypeHint): Promise<void>
  /** RFC 7662: `{active:false}` for anything invalid, expired or revoked. */
  introspect (token: string, hint?: TokenTypeHint): Promise<Introspection>
  /** Checks HTTP Basic client credentials against INTROSPECTION_CLIENTS in constant time. */
  isIntrospectionClient (clientId: string, secret: string): boolean
  /**
   * The introspection endpoint's client check: 401 invalid_client for missing or wrong
   * credentials, 429 once this IP (or this client id, from an IP that failed too) failed too often.
   */
  authenticateIntrospectionClient (credentials: [clientId: string, secret: string] | null, ip: string): void
}

const digest = (value: string) => createHash('sha256').update(value).digest()

export function createOAuthService ({ store, tokens, sessions, revocations, now, clients, clientAuthLimit, audit = discardAudit }: {
  store: Store
  tokens: TokenService
  sessions: SessionService
  revocations: RevocationView
  now: () => number
  clients: Map<string, string>
  /** Failed client authentications per IP and per client id in one window (maxFailures 0: no limit). */
  clientAuthLimit?: { maxFailures: number, windowMs: number }
  audit?: AuditSink
}): OAuthService {
  const clientDigests = new Map([...clients].map(([id, secret]) => [id, digest(secret)]))
  const decoy = digest('no such client')
  const limiter = createClientAuthLimiter({ ...(clientAuthLimit ?? { maxFailures: 0, windowMs: 1 }), now, knownClientIds: new Set(clients.keys()) })

  function isIntrospectionClient (clientId: string, secret: string): boolean {
    const expected = clientDigests.get(clientId)
    const matches = timingSafeEqual(expected ?? decoy, digest(secret))
    return expected !== undefined && matches
  }

  function accessClaims (token: string) {
    if (token.split('.').length !== 3) return null
    try {
      return tokens.verifyAccessToken(token)
    } catch {
      return null // any invalid access token simply is not one of ours
    }
  }

  async function refreshMatch (token: string) {
    return token.length > 1024 ? null : store.findRefreshToken(hashRefreshToken(token))
  }

  /**
   * Ends a live session. An unknown, expired or already ended one is left alone: revoking it
   * again would add a revocation row and an audit event per request, for anyone replaying an
   * old token.
   */
  async function endSession (userId: string, sessionId: string, reason: string): Promise<void> {
    const session = await store.findSession(sessionId)
    if (session === null || session.userId !== userId || session.revokedAt !== null || session.expiresAt.getTime() <= now()) return
    await sessions.end({ userId, sessionId })
    audit({ event: 'token_revoked', userId, sessionId, reason })
  }

  /** null when the token is not a valid access token of ours. */
  function introspectAccess (token: string): Introspection | null {
    const claims = accessClaims(token)
    if (claims === null) return null
    // The clock tolerance is for verifiers whose clocks differ from ours; here our clock is the one that counts.
    if (revocations.isRevoked(claims.sid) || claims.exp * 1000 <= now()) return { active: false }
    const { sub, sid, exp, iat, iss, aud, roles, jti } = claims
    return { active: true, token_type: 'access_token', sub, sid, exp, iat, iss, aud, roles, scope: roles.join(' '), jti }
  }

  /** null when the token is not the current refresh token of a live session. */
  async function introspectRefresh (token: string): Promise<Introspection | null> {
    const match = await refreshMatch(token)
    if (match === null || match.rotatedAt !== null || match.session.revokedAt !== null || match.session.expiresAt.getTime() <= now()) return null
    const { session } = match
    return { active: true, token_type: 'refresh_token', sub: session.userId, sid: session.id, exp: Math.floor(session.expiresAt.getTime() / 1000) }
  }

  return {
    async revoke (token, hint) {
      const order = hint === 'access_token' ? ['access', 'refresh'] : ['refresh', 'access']
      for (const kind of order) {
        if (kind === 'refresh') {
          const match = await refreshMatch(token)
          if (match !== null) return endSession(match.session.userId, match.session.id, 'refresh_token')
        } else {
          const claims = accessClaims(token)
          if (claims !== null) return endSession(claims.sub, claims.sid, 'access_token')
        }
      }
    },

    async introspect (token, hint) {
      const found = hint === 'refresh_token'
        ? await introspectRefresh(token) ?? introspectAccess(token)
        : introspectAccess(token) ?? await introspectRefresh(token)
      return found ?? { active: false }
    },

    isIntrospectionClient,

    authenticateIntrospectionClient (credentials, ip) {
      const clientId = credentials?.[0] ?? null
      limiter.assertAllowed(clientId, ip)
      if (credentials !== null && isIntrospectionClient(...credentials)) return
      limiter.recordFailure(clientId, ip)
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed')
    }
  }
}

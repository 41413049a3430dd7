import { PASSWORD_ONLY } from './assurance.js'
import { newId } from './ids.js'
import { discardAudit, type AuditSink } from './audit.js'
import { InvalidRefreshTokenError, RefreshTokenReusedError, RefreshTokenSupersededError } from './errors.js'
import type { RevocationView } from './revocations.js'
import type { Revocation, SessionRecord, Store, UserRecord } from './storage/types.js'
import { hashRefreshToken, newRefreshToken, type TokenService } from './tokens.js'

export interface TokenPair {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token: string
}

export interface ClientInfo {
  userAgent?: string | undefined
  ip?: string | undefined
  /** How the user authenticated (RFC 8176 values); a password login when absent. */
  amr?: readonly string[] | undefined
}

/**
 * Rotated refresh tokens kept per session for reuse detection: a stolen token replayed after the
 * session rotated up to this many times more still ends the session. At one rotation per access
 * token lifetime (15 min by default) that covers a thief and a victim refreshing apart for about
 * 8 hours; an older replay is refused as an unknown token, without ending the session. Without a
 * limit a long-lived session kept every hash it ever had (one per refresh, until it expires).
 */
export const ROTATED_TOKENS_KEPT = 32

export interface SessionServiceOptions {
  store: Store
  tokens: TokenService
  revocations: RevocationView
  now: () => number
  refreshTokenTtl: number
  /** Seconds during which a just-rotated refresh token is refused without killing the session. */
  reuseGrace: number
  /** Active sessions a user may have; starting one more ends the oldest (MAX_SESSIONS_PER_USER). */
  maxSessionsPerUser?: number
  audit?: AuditSink
}

export interface SessionService {
  /** Opens a session for an authenticated user and returns its first token pair. */
  start (user: UserRecord, client: ClientInfo): Promise<TokenPair>
  /** Rotates a refresh token: exactly one caller wins; replays are refused, late replays revoke. */
  refresh (refreshToken: string): Promise<TokenPair>
  end (session: { userId: string, sessionId: string }): Promise<void>
  /** Ends every session of the user, but `except` (the caller's own, after a password change). */
  endAll (userId: string, options?: { except?: string }): Promise<void>
}

export function createSessionService (options: SessionServiceOptions): SessionService {
  const { store, tokens, revocations, now, refreshTokenTtl, reuseGrace, maxSessionsPerUser = Number.POSITIVE_INFINITY, audit = discardAudit } = options

  function pair (user: UserRecord, session: { id: string, amr: string[] }, refreshToken: string): TokenPair {
    const emailVerified = user.email !== null && user.emailVerifiedAt !== null
    return {
      access_token: tokens.issueAccessToken({ userId: user.id, sessionId: session.id, roles: user.roles, amr: session.amr, emailVerified }),
      token_type: 'Bearer',
      expires_in: tokens.accessTokenTtl,
      refresh_token: refreshToken
    }
  }

  /** Every access token of a session was issued before `at`: the record lasts while any verifier could accept one. */
  function revocationsFor (userId: string, sessionIds: string[], at: Date): Revocation[] {
    const expiresAt = new Date(tokens.acceptedUntil(at.getTime()))
    return sessionIds.map((sessionId) => ({ sessionId, userId, revokedAt: at, expiresAt }))
  }

  /**
   * Refused on this instance at once (even if storage then fails), recorded for the other
   * instances next, and only then marked in the session: a failure halfway leaves the session
   * dead rather than alive.
   */
  async function revokeAll (userId: string, sessionIds: string[], at: Date): Promise<void> {
    if (sessionIds.length === 0) return
    const list = revocationsFor(userId, sessionIds, at)
    revocations.add(list)
    await store.recordRevocations(list)
  }

  async function revoke ({ userId, id: sessionId }: Pick<SessionRecord, 'userId' | 'id'>): Promise<void> {
    const at = new Date(now())
    await revokeAll(userId, [sessionId], at)
    await store.revokeSession(sessionId, at)
  }

  /** Ends the user's oldest active sessions beyond the limit (never `keep`, the one just started). */
  async function endSessionsBeyondLimit (userId: string, keep: string, at: Date): Promise<void> {
    const active = await store.listUserSessions(userId, at)
    const excess = active.length - maxSessionsPerUser
    if (excess <= 0) return
    const oldest = active.filter((session) => session.id !== keep).slice(0, excess)
    for (const session of oldest) {
      await revoke(session)
      audit({ event: 'token_revoked', userId, sessionId: session.id, reason: 'session_limit' })
    }
  }

  return {
    async start (user, client) {
      const at = new Date(now())
      const refreshToken = newRefreshToken()
      const sessionId = newId()
      const amr = [...(client.amr ?? PASSWORD_ONLY)]
      await store.createSession({
        id: sessionId,
        userId: user.id,
        createdAt: at,
        lastUsedAt: at,
        expiresAt: new Date(at.getTime() + refreshTokenTtl * 1000),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip ?? null,
        amr,
        refreshHash: hashRefreshToken(refreshToken)
      })
      await endSessionsBeyondLimit(user.id, sessionId, at)
      return pair(user, { id: sessionId, amr }, refreshToken)
    },

    async refresh (refreshToken) {
      const currentHash = hashRefreshToken(refreshToken)
      const match = await store.findRefreshToken(currentHash)
      const at = new Date(now())
      if (match === null) throw new InvalidRefreshTokenError()
      const { session, rotatedAt } = match
      if (session.revokedAt !== null || session.expiresAt <= at) throw new InvalidRefreshTokenError()
      if (rotatedAt !== null) {
        if (at.getTime() - rotatedAt.getTime() <= reuseGrace * 1000) throw new RefreshTokenSupersededError()
        await revoke(session)
        audit({ event: 'refresh_reuse_detected', userId: session.userId, sessionId: session.id })
        throw new RefreshTokenReusedError()
      }
      const user = await store.findUserById(session.userId)
      if (user === null || user.disabledAt !== null) {
        await revoke(session)
        throw new InvalidRefreshTokenError()
      }
      const nextToken = newRefreshToken()
      const won = await store.rotateRefreshToken({
        sessionId: session.id,
        currentHash,
        nextHash: hashRefreshToken(nextToken),
        now: at,
        expiresAt: new Date(at.getTime() + refreshTokenTtl * 1000),
        keepRotated: ROTATED_TOKENS_KEPT
      })
      // Lost the race to a concurrent refresh with the same token: that one got the new pair.
      if (!won) throw new RefreshTokenSupersededError()
      audit({ event: 'refresh', userId: user.id, sessionId: session.id })
      return pair(user, session, nextToken)
    },

    async end ({ userId, sessionId }) {
      await revoke({ userId, id: sessionId })
      audit({ event: 'logout', userId, sessionId })
    },

    async endAll (userId, options = {}) {
      const at = new Date(now())
      const active = (await store.listUserSessions(userId, at)).map((session) => session.id).filter((id) => id !== options.except)
      await revokeAll(userId, active, at)
      // Sessions opened meanwhile are revoked too, and recorded as well.
      const late = (await store.revokeUserSessions(userId, at, options.except)).filter((id) => !active.includes(id))
      await revokeAll(userId, late, at)
      audit({ event: 'logout_all', userId, sessions: active.length + late.length })
    }
  }
}

import { DuplicateEmailError, DuplicateUserError } from '../errors.js'
import { createMemoryAudit } from './memory-audit.js'
import { createMemoryLoginFailures } from './memory-login-failures.js'
import { createMemoryMfa } from './memory-mfa.js'
import { createMemoryOneTimeTokens } from './memory-one-time-tokens.js'
import { createRevocationLog } from './memory-revocations.js'
import type { RefreshTokenMatch, Rotation, SessionRecord, Store, UserRecord } from './types.js'

interface RefreshTokenEntry { sessionId: string, rotatedAt: Date | null }

/**
 * In-process store (successor of the original template's SharedStorage). Every lookup is a Map
 * access; each method does its check-and-set synchronously, so concurrent callers cannot interleave.
 * Records are copied in and out, so callers never share mutable state with the store.
 */
export function createMemoryStore (): Store {
  const users = new Map<string, UserRecord>()
  const userIdByName = new Map<string, string>()
  const userIdByEmail = new Map<string, string>()
  const sessions = new Map<string, SessionRecord>()
  const sessionIdsByUser = new Map<string, Set<string>>()
  const refreshTokens = new Map<string, RefreshTokenEntry>()
  const tokenHashesBySession = new Map<string, Set<string>>()
  const revocations = createRevocationLog()
  const loginFailures = createMemoryLoginFailures()
  const { prune: pruneOneTimeTokens, deleteUser: deleteUserTokens, ...oneTimeTokens } = createMemoryOneTimeTokens()
  const { deleteUser: deleteUserFactors, ...mfa } = createMemoryMfa()

  const copyUser = (user: UserRecord): UserRecord => ({ ...user, roles: [...user.roles] })
  const copySession = (session: SessionRecord): SessionRecord => ({ ...session, amr: [...session.amr] })

  function addToIndex (index: Map<string, Set<string>>, key: string, value: string): void {
    const set = index.get(key)
    if (set === undefined) index.set(key, new Set([value]))
    else set.add(value)
  }

  function deleteSession (sessionId: string): number {
    const session = sessions.get(sessionId)
    if (session === undefined) return 0
    sessions.delete(sessionId)
    sessionIdsByUser.get(session.userId)?.delete(sessionId)
    const hashes = tokenHashesBySession.get(sessionId) ?? new Set()
    for (const hash of hashes) refreshTokens.delete(hash)
    tokenHashesBySession.delete(sessionId)
    return 1 + hashes.size
  }

  /** A session's hashes are in issue order: keeps the current token and the `keepRotated` before it. */
  function forgetOldTokens (sessionId: string, keepRotated: number): void {
    const hashes = tokenHashesBySession.get(sessionId)
    if (hashes === undefined) return
    for (const hash of hashes) {
      if (hashes.size <= keepRotated + 1) break
      hashes.delete(hash)
      refreshTokens.delete(hash)
    }
  }

  function revoke (session: SessionRecord, now: Date): boolean {
    if (session.revokedAt !== null) return false
    session.revokedAt = now
    return true
  }

  return {
    kind: 'memory',

    async createUser (user) {
      if (userIdByName.has(user.usernameNormalized)) throw new DuplicateUserError()
      if (user.email !== null && userIdByEmail.has(user.email)) throw new DuplicateEmailError()
      userIdByName.set(user.usernameNormalized, user.id)
      if (user.email !== null) userIdByEmail.set(user.email, user.id)
      users.set(user.id, copyUser(user))
    },

    async findUserById (id) {
      const user = users.get(id)
      return user === undefined ? null : copyUser(user)
    },

    async findUserByUsername (usernameNormalized) {
      const id = userIdByName.get(usernameNormalized)
      return id === undefined ? null : this.findUserById(id)
    },

    async findUserByEmail (email) {
      const id = userIdByEmail.get(email)
      return id === undefined ? null : this.findUserById(id)
    },

    async listUsers ({ prefix = '', after, limit }) {
      const names = [...userIdByName.keys()]
        .filter((name) => name.startsWith(prefix) && (after === undefined || name > after))
        .sort()
        .slice(0, limit)
      return names.map((name) => copyUser(users.get(userIdByName.get(name) as string) as UserRecord))
    },

    async updateUser (id, changes) {
      const user = users.get(id)
      if (user === undefined) return false
      if (changes.email !== undefined && changes.email !== user.email) {
        if (changes.email !== null && userIdByEmail.has(changes.email)) throw new DuplicateEmailError()
        if (user.email !== null) userIdByEmail.delete(user.email)
        if (changes.email !== null) userIdByEmail.set(changes.email, id)
        user.email = changes.email
      }
      if (changes.emailVerifiedAt !== undefined) user.emailVerifiedAt = changes.emailVerifiedAt
      if (changes.roles !== undefined) user.roles = [...changes.roles]
      if (changes.disabledAt !== undefined) user.disabledAt = changes.disabledAt
      if (changes.passwordHash !== undefined) user.passwordHash = changes.passwordHash
      return true
    },

    async deleteUser (id) {
      const user = users.get(id)
      if (user === undefined) return false
      for (const sessionId of sessionIdsByUser.get(id) ?? []) deleteSession(sessionId)
      sessionIdsByUser.delete(id)
      userIdByName.delete(user.usernameNormalized)
      if (user.email !== null) userIdByEmail.delete(user.email)
      deleteUserTokens(id)
      deleteUserFactors(id)
      users.delete(id)
      return true
    },

    async createSession ({ refreshHash, ...session }) {
      sessions.set(session.id, { ...session, amr: [...session.amr], revokedAt: null })
      addToIndex(sessionIdsByUser, session.userId, session.id)
      refreshTokens.set(refreshHash, { sessionId: session.id, rotatedAt: null })
      addToIndex(tokenHashesBySession, session.id, refreshHash)
    },

    async findRefreshToken (hash): Promise<RefreshTokenMatch | null> {
      const entry = refreshTokens.get(hash)
      const session = entry === undefined ? undefined : sessions.get(entry.sessionId)
      if (entry === undefined || session === undefined) return null
      return { session: copySession(session), rotatedAt: entry.rotatedAt }
    },

    async rotateRefreshToken ({ sessionId, currentHash, nextHash, now, expiresAt, keepRotated }: Rotation) {
      const entry = refreshTokens.get(currentHash)
      const session = sessions.get(sessionId)
      if (entry === undefined || session === undefined) return false
      if (entry.sessionId !== sessionId || entry.rotatedAt !== null || session.revokedAt !== null) return false
      entry.rotatedAt = now
      refreshTokens.set(nextHash, { sessionId, rotatedAt: null })
      addToIndex(tokenHashesBySession, sessionId, nextHash)
      forgetOldTokens(sessionId, keepRotated)
      session.lastUsedAt = now
      session.expiresAt = expiresAt
      return true
    },

    async revokeSession (sessionId, now) {
      const session = sessions.get(sessionId)
      return session === undefined ? false : revoke(session, now)
    },

    async revokeUserSessions (userId, now, exceptSessionId) {
      const revoked: string[] = []
      for (const sessionId of sessionIdsByUser.get(userId) ?? []) {
        const session = sessions.get(sessionId)
        if (session !== undefined && sessionId !== exceptSessionId && revoke(session, now)) revoked.push(sessionId)
      }
      return revoked
    },

    async findSession (sessionId) {
      const session = sessions.get(sessionId)
      return session === undefined ? null : copySession(session)
    },

    async setSessionAmr (sessionId, amr) {
      const session = sessions.get(sessionId)
      if (session === undefined || session.revokedAt !== null) return false
      session.amr = [...amr]
      return true
    },

    async listUserSessions (userId, now) {
      const active: SessionRecord[] = []
      for (const sessionId of sessionIdsByUser.get(userId) ?? []) {
        const session = sessions.get(sessionId)
        if (session !== undefined && session.revokedAt === null && session.expiresAt > now) active.push(copySession(session))
      }
      return active.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    },

    async recordRevocations (list) {
      for (const revocation of list) revocations.add(revocation)
    },

    async listRevocationsAfter (cursor, now) {
      return revocations.listAfter(cursor, now.getTime())
    },

    async recordLoginFailures (keys, at, expiresAt) {
      return loginFailures.record(keys, at, expiresAt)
    },

    async getLoginFailures (keys, now) {
      return loginFailures.get(keys, now)
    },

    async clearLoginFailures (keys) {
      loginFailures.clear(keys)
    },

    ...createMemoryAudit(),
    ...oneTimeTokens,
    ...mfa,

    async pruneExpired (now) {
      let removed = loginFailures.prune(now) + pruneOneTimeTokens(now)
      for (const session of [...sessions.values()]) {
        if (session.expiresAt <= now) removed += deleteSession(session.id)
      }
      return removed + revocations.prune(now.getTime())
    },

    async ping () {},
    async close () {}
  }
}

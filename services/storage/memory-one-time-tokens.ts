import type { CodeAttempt, OneTimeTokenRecord, OneTimeTokenStore } from './types.js'

/**
 * One-time tokens for the memory store. Every method checks and changes the Map synchronously
 * (no await in between), so of concurrent consumers exactly one finds the token.
 */
export function createMemoryOneTimeTokens (): OneTimeTokenStore & { prune: (now: Date) => number, deleteUser: (userId: string) => void } {
  const tokens = new Map<string, OneTimeTokenRecord>()
  const copy = (token: OneTimeTokenRecord): OneTimeTokenRecord => ({ ...token })
  const live = (token: OneTimeTokenRecord | undefined, purpose: string, now: Date): token is OneTimeTokenRecord =>
    token !== undefined && token.purpose === purpose && token.expiresAt > now

  function deleteWhere (keep: (token: OneTimeTokenRecord) => boolean): number {
    let removed = 0
    for (const [hash, token] of tokens) {
      if (keep(token)) continue
      tokens.delete(hash)
      removed++
    }
    return removed
  }

  /** The newest live token of a user and purpose. */
  function newest (userId: string, purpose: string, now: Date): OneTimeTokenRecord | undefined {
    let found: OneTimeTokenRecord | undefined
    for (const token of tokens.values()) {
      if (token.userId !== userId || !live(token, purpose, now)) continue
      if (found === undefined || token.createdAt >= found.createdAt) found = token
    }
    return found
  }

  return {
    async createOneTimeToken (token, replace) {
      if (replace !== undefined) deleteWhere((t) => t.userId !== replace.userId || !replace.purposes.includes(t.purpose))
      tokens.set(token.hash, copy(token))
    },

    async consumeOneTimeToken (hash, purpose, now) {
      const token = tokens.get(hash)
      if (!live(token, purpose, now)) return null
      tokens.delete(hash)
      return copy(token)
    },

    async consumeOneTimeTokenByCode (userId, purpose, codeHash, now, maxFailedAttempts): Promise<CodeAttempt> {
      const token = newest(userId, purpose, now)
      if (token === undefined) return { outcome: 'no_token' }
      if (token.codeHash !== null && token.codeHash === codeHash) {
        tokens.delete(token.hash)
        return { outcome: 'consumed', token: copy(token) }
      }
      token.failedAttempts++
      if (token.failedAttempts >= maxFailedAttempts) tokens.delete(token.hash)
      return { outcome: 'wrong_code', attemptsLeft: Math.max(0, maxFailedAttempts - token.failedAttempts) }
    },

    async findOneTimeToken (hash, purpose, now) {
      const token = tokens.get(hash)
      return live(token, purpose, now) ? copy(token) : null
    },

    async deleteOneTimeTokens (userId, purposes) {
      return deleteWhere((t) => t.userId !== userId || !purposes.includes(t.purpose))
    },

    prune: (now) => deleteWhere((t) => t.expiresAt > now),
    deleteUser: (userId) => { deleteWhere((t) => t.userId !== userId) }
  }
}

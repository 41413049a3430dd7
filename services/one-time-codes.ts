import { createHmac, randomBytes, randomInt } from 'node:crypto'
import { sha256Hex } from './sha256.js'
import type { CodeAttempt, OneTimeTokenRecord, Store } from './storage/types.js'

/** Wrong codes typed against one token before it dies. */
export const MAX_CODE_ATTEMPTS = 5
const CODE_DIGITS = 8
/** 32 random bytes in base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

export type EmailPurpose = 'email_verify' | 'password_reset' | 'email_change'

export interface IssuedToken {
  /** For the link: 256 random bits, stored only as SHA-256. */
  token: string
  /** For typing: 8 digits, stored only as a keyed hash bound to the user and purpose. */
  code: string
}

export interface OneTimeCodes {
  /** Stores a new token for the user and purpose; older tokens of `replace` purposes die. */
  issue (input: { userId: string, purpose: EmailPurpose, ttlSeconds: number, data: object, replace: EmailPurpose[] }): Promise<IssuedToken>
  /** The record if the token is live and of this purpose (and deletes it: once only). */
  consumeToken (token: string, purpose: EmailPurpose): Promise<OneTimeTokenRecord | null>
  /** The newest live token of the user and purpose if the code matches; wrong codes count. */
  consumeCode (userId: string, purpose: EmailPurpose, code: string): Promise<CodeAttempt>
}

/** Digits only; spaces and dashes a person or a mail client added are ignored. */
export const normalizeCode = (typed: string) => typed.replace(/[\s-]/g, '')

/**
 * Link tokens and typed codes for the mail flows, over the store's one-time tokens. An 8-digit
 * code is guessable offline from its hash, so the hash is keyed with `pepper` (a server secret
 * that is not in the database: JWT_SECRET when it was configured) as well as bound to the user
 * and purpose; online, MAX_CODE_ATTEMPTS wrong codes kill the token.
 */
export function createOneTimeCodes ({ store, now, pepper }: { store: Store, now: () => number, pepper: string }): OneTimeCodes {
  const codeHash = (userId: string, purpose: string, code: string) =>
    createHmac('sha256', pepper).update(`${purpose}\u0000${userId}\u0000${normalizeCode(code)}`).digest('hex')

  return {
    async issue ({ userId, purpose, ttlSeconds, data, replace }) {
      const token = randomBytes(32).toString('base64url')
      const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0')
      const at = now()
      await store.createOneTimeToken({
        hash: sha256Hex(token),
        purpose,
        userId,
        codeHash: codeHash(userId, purpose, code),
        data: JSON.stringify(data),
        createdAt: new Date(at),
        expiresAt: new Date(at + ttlSeconds * 1000),
        failedAttempts: 0
      }, { userId, purposes: replace })
      return { token, code }
    },

    async consumeToken (token, purpose) {
      if (!TOKEN_PATTERN.test(token)) return null
      return store.consumeOneTimeToken(sha256Hex(token), purpose, new Date(now()))
    },

    async consumeCode (userId, purpose, code) {
      if (!/^[0-9]{8}$/.test(normalizeCode(code))) return { outcome: 'no_token' }
      return store.consumeOneTimeTokenByCode(userId, purpose, codeHash(userId, purpose, code), new Date(now()), MAX_CODE_ATTEMPTS)
    }
  }
}

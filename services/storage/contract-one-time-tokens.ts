/**
 * Part of the storage contract (re-exported by types.ts): one-time tokens. A one-time token is a
 * secret the server hands out once and takes back once: an emailed link or code (verify an
 * address, reset a password, confirm a new address), an MFA login challenge, a WebAuthn challenge.
 * The store keeps only the SHA-256 of the secret. Consuming is atomic on every adapter: of any
 * number of concurrent callers with the same token, exactly one gets the record.
 */

export interface OneTimeTokenRecord {
  /** SHA-256 (hex) of the secret the user holds (a link token, an mfa_token, a challenge id): the key. */
  hash: string
  /** What the token is for ('email_verify', 'password_reset', 'email_change', 'mfa_login', ...); a token only works for its purpose. */
  purpose: string
  /**
   * The account it acts on (an existing user: the SQL stores hold it by a foreign key and delete it
   * with the user); null for a challenge that names no user yet (usernameless passkey login).
   */
  userId: string | null
  /** SHA-256 (hex) of the short code sent with a link token (service-salted), or null when there is none. */
  codeHash: string | null
  /** Purpose-specific JSON text (the address being confirmed, a WebAuthn challenge, ...), or null. */
  data: string | null
  createdAt: Date
  /** Never accepted at or after this time. */
  expiresAt: Date
  /** Wrong codes typed against this token so far. */
  failedAttempts: number
}

/** What consumeOneTimeTokenByCode did. */
export type CodeAttempt =
  | { outcome: 'consumed', token: OneTimeTokenRecord }
  /** A live token exists but the code is wrong: counted; `attemptsLeft` 0 means the token is gone. */
  | { outcome: 'wrong_code', attemptsLeft: number }
  /** No live token of that user and purpose (never sent, used, replaced, expired, or killed by wrong codes). */
  | { outcome: 'no_token' }

export interface OneTimeTokenStore {
  /**
   * Stores a token. When `replace` is given, first deletes every token of `replace.userId` whose
   * purpose is in `replace.purposes` (a new reset link voids the older ones).
   */
  createOneTimeToken (token: OneTimeTokenRecord, replace?: { userId: string, purposes: string[] }): Promise<void>
  /**
   * Takes the token with this hash and purpose if it has not expired at `now`, and deletes it.
   * Exactly one of any number of concurrent callers gets the record; the others (and any later
   * caller) get null. An expired token is never returned.
   */
  consumeOneTimeToken (hash: string, purpose: string, now: Date): Promise<OneTimeTokenRecord | null>
  /**
   * Takes the newest live token of `userId` and `purpose` if its codeHash equals `codeHash`
   * (exactly one concurrent winner, as above). On a wrong code it adds one to failedAttempts and
   * deletes the token once failedAttempts reaches `maxFailedAttempts`; concurrent wrong codes are
   * all counted.
   */
  consumeOneTimeTokenByCode (userId: string, purpose: string, codeHash: string, now: Date, maxFailedAttempts: number): Promise<CodeAttempt>
  /** The token with this hash and purpose if live at `now`, without consuming it (to show a confirmation page). */
  findOneTimeToken (hash: string, purpose: string, now: Date): Promise<OneTimeTokenRecord | null>
  /** Deletes every token of the user with one of these purposes; returns how many went. */
  deleteOneTimeTokens (userId: string, purposes: string[]): Promise<number>
}

/**
 * Part of the storage contract (re-exported by types.ts): second factors. The services hold the
 * rules (encrypting TOTP secrets, hashing recovery codes, verifying WebAuthn signatures); the
 * store persists and makes each single-use step atomic. Every record names an existing user (the
 * SQL stores hold them by foreign keys) and goes when the user is deleted.
 */

export interface TotpFactorRecord {
  userId: string
  /** The shared secret, encrypted by the service (MFA_ENCRYPTION_KEY); never stored in plain text. */
  secret: string
  createdAt: Date
  /** null while the enrolment waits for its first code; the factor counts only once confirmed. */
  confirmedAt: Date | null
  /** The last TOTP time step whose code was accepted (replay protection); -1 before any. */
  lastUsedStep: number
}

export interface PasskeyRecord {
  /** The WebAuthn credential id, base64url: the key, unique across users. */
  id: string
  userId: string
  /** The credential's COSE public key, base64url. */
  publicKey: string
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none). */
  counter: number
  /** Transports the authenticator reported ('internal', 'usb', 'hybrid', ...). */
  transports: string[]
  /** Backed up (synced passkey) as the authenticator reported it at registration. */
  backedUp: boolean
  /** A label the user chose or the server made up. */
  name: string
  createdAt: Date
  lastUsedAt: Date | null
}

export interface MfaStore {
  /** Stores the user's TOTP factor, replacing any factor of theirs (confirmed or not). */
  saveTotpFactor (factor: TotpFactorRecord): Promise<void>
  findTotpFactor (userId: string): Promise<TotpFactorRecord | null>
  /**
   * Accepts the code of time step `step` once: sets lastUsedStep to `step` only if it is greater
   * than the stored lastUsedStep, and sets confirmedAt to `now` when it is null. Exactly one of any
   * number of concurrent callers with the same step wins (true); false when there is no factor or
   * the step is not newer.
   */
  useTotpStep (userId: string, step: number, now: Date): Promise<boolean>
  deleteTotpFactor (userId: string): Promise<boolean>

  /** Replaces the user's recovery codes with these hashes (an empty list removes them all). */
  replaceRecoveryCodes (userId: string, codeHashes: string[], now: Date): Promise<void>
  /** Uses one recovery code: true for exactly one of any number of concurrent callers with the same hash. */
  consumeRecoveryCode (userId: string, codeHash: string, now: Date): Promise<boolean>
  /** How many unused recovery codes the user has. */
  countRecoveryCodes (userId: string): Promise<number>

  /** Stores a new passkey; throws DuplicatePasskeyError when the credential id is already registered. */
  createPasskey (passkey: PasskeyRecord): Promise<void>
  findPasskey (id: string): Promise<PasskeyRecord | null>
  /** The user's passkeys, oldest first. */
  listPasskeys (userId: string): Promise<PasskeyRecord[]>
  /**
   * Records a use: sets counter and lastUsedAt only if the stored counter still equals
   * `expectedCounter` (compare-and-set; exactly one concurrent winner). False otherwise.
   */
  recordPasskeyUse (id: string, expectedCounter: number, counter: number, now: Date): Promise<boolean>
  /** Deletes one passkey of the user; false when the user has no passkey with that id. */
  deletePasskey (userId: string, id: string): Promise<boolean>
}

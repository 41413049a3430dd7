import type { OneTimeTokenStore } from './contract-one-time-tokens.js'
import type { MfaStore } from './contract-mfa.js'

/**
 * The storage contract. Adapters persist; services hold the rules. Every adapter (memory,
 * MySQL, MongoDB) passes the same suite in test/storage/contract.ts.
 *
 * Errors: adapters throw DuplicateUserError for a taken normalised username, DuplicateEmailError
 * for a taken email, DuplicatePasskeyError for a registered credential id, and
 * StorageUnavailableError when the backend cannot be reached or times out; never a driver error.
 * Identifiers are strings made by the services (UUIDs); times are Date objects.
 */

export interface UserRecord {
  id: string
  username: string
  /** Lower-cased username: the unique key. */
  usernameNormalized: string
  /** Trimmed and lower-cased by the service; unique among users when present. */
  email: string | null
  /** When the owner proved they read mail at `email`; null while unverified (and set back to null when the address changes). */
  emailVerifiedAt: Date | null
  /** argon2id PHC string; never anything else. */
  passwordHash: string
  roles: string[]
  createdAt: Date
  /** Set while an admin has disabled the account: no login, no refresh. */
  disabledAt: Date | null
}

/** What an admin may change on a user; absent fields stay as they are. */
export interface UserChanges {
  roles?: string[]
  disabledAt?: Date | null
  passwordHash?: string
  /** A new address (normalised) or null; throws DuplicateEmailError when another user has it. */
  email?: string | null
  emailVerifiedAt?: Date | null
}

export interface UserListQuery {
  /** Only users whose usernameNormalized starts with this (plain text, not a pattern). */
  prefix?: string
  /** Keyset pagination: only users whose usernameNormalized sorts after this one. */
  after?: string
  limit: number
}

/** Failed logins counted for one throttle key (a hash made by the service). */
export interface LoginFailure {
  /** Failures recorded since the last clear that have not expired. */
  count: number
  lastFailureAt: Date
}

export interface SessionRecord {
  id: string
  userId: string
  createdAt: Date
  lastUsedAt: Date
  /** When the current refresh token stops working (sliding: set on every rotation). */
  expiresAt: Date
  revokedAt: Date | null
  userAgent: string | null
  ip: string | null
  /**
   * How the user proved who they are for this session (RFC 8176 values: 'pwd', 'otp', 'hwk',
   * 'user', ...); access tokens of the session carry it as `amr`. Raised by a step-up.
   */
  amr: string[]
}

export interface NewSession extends Omit<SessionRecord, 'revokedAt'> {
  /** SHA-256 (hex) of the first refresh token. */
  refreshHash: string
}

/** A refresh token found by its hash, with the session it belongs to. */
export interface RefreshTokenMatch {
  session: SessionRecord
  /** null while this token is the session's current one; the rotation time otherwise. */
  rotatedAt: Date | null
}

export interface Rotation {
  sessionId: string
  /** Hash of the token being used: must still be the current one. */
  currentHash: string
  nextHash: string
  now: Date
  expiresAt: Date
  /**
   * Rotated tokens of the session to keep, the newest, so that their replay is recognised as reuse;
   * older ones are forgotten (a replay of one is then just an unknown token).
   */
  keepRotated: number
}

export interface Revocation {
  sessionId: string
  userId: string
  revokedAt: Date
  /** After this, every access token of the session has expired anyway: the record may go. */
  expiresAt: Date
}

/** What listRevocationsAfter read: records in the order they were recorded, and where the next read starts. */
export interface RevocationPage {
  revocations: Revocation[]
  /** Pass it to the next call; it never moves back. */
  cursor: number
}

/** A stored audit event (AUDIT_LOG=storage). */
export interface AuditRecord {
  /** Unique and ordered by time (createAuditIds in services/audit-trail.ts): the newest has the greatest id. */
  id: string
  at: Date
  event: string
  /** The user the event is about, when there is one. */
  userId: string | null
  /** The event's other fields as JSON text (never a password or a token). */
  data: string
}

export interface AuditQuery {
  userId?: string
  /** Only records with a smaller id (the `next` cursor of the previous page). */
  before?: string
  limit: number
}

export type * from './contract-one-time-tokens.js'
export type * from './contract-mfa.js'

export interface Store extends OneTimeTokenStore, MfaStore {
  readonly kind: 'memory' | 'sqlite' | 'mysql' | 'postgres' | 'mongodb'

  /** Inserts a user; throws DuplicateUserError when usernameNormalized is taken, DuplicateEmailError when the email is (race-safe). */
  createUser (user: UserRecord): Promise<void>
  findUserById (id: string): Promise<UserRecord | null>
  findUserByUsername (usernameNormalized: string): Promise<UserRecord | null>
  /** The user with this (normalised) email, or null. */
  findUserByEmail (email: string): Promise<UserRecord | null>
  /** Users ordered by usernameNormalized (byte order), at most `limit`. */
  listUsers (query: UserListQuery): Promise<UserRecord[]>
  /** Applies the changes; false when there is no such user. */
  updateUser (id: string, changes: UserChanges): Promise<boolean>
  /**
   * Deletes the user with every session, refresh token, one-time token, second factor, recovery
   * code and passkey of theirs; false when there is none.
   */
  deleteUser (id: string): Promise<boolean>

  createSession (session: NewSession): Promise<void>
  /** Finds a current or already-rotated refresh token by hash. */
  findRefreshToken (hash: string): Promise<RefreshTokenMatch | null>
  /**
   * Atomically retires `currentHash` and makes `nextHash` current. Exactly one of any number of
   * concurrent callers with the same currentHash gets true; the others get false. Returns false
   * as well when the session is revoked or the hash is not current.
   */
  rotateRefreshToken (rotation: Rotation): Promise<boolean>
  /** Marks one session revoked; true when it was active before. */
  revokeSession (sessionId: string, now: Date): Promise<boolean>
  /** Marks every active session of a user revoked, but `exceptSessionId`; returns the ids it revoked. */
  revokeUserSessions (userId: string, now: Date, exceptSessionId?: string): Promise<string[]>
  findSession (sessionId: string): Promise<SessionRecord | null>
  /** Replaces the session's amr (a step-up); false when there is no active (unrevoked) session with this id. */
  setSessionAmr (sessionId: string, amr: string[]): Promise<boolean>
  /** Active (not revoked, not expired at `now`) sessions of a user, oldest first. */
  listUserSessions (userId: string, now: Date): Promise<SessionRecord[]>

  /**
   * Records revocations (idempotent per session id). The store numbers each new record after every
   * record already readable: a record can never become readable behind a cursor that a reader has
   * already been given, whatever its revokedAt and however writers on other instances interleave.
   */
  recordRevocations (revocations: Revocation[]): Promise<void>
  /**
   * The records numbered after `cursor` (0: all) that have not expired at `now`, in record order,
   * with the cursor for the next call. Each instance syncs its view with this, so a revocation
   * recorded anywhere reaches every instance on its next sync.
   */
  listRevocationsAfter (cursor: number, now: Date): Promise<RevocationPage>

  /**
   * Records one failed login for each key (race-safe: concurrent failures are all counted) and
   * returns each key's count afterwards. Each failure is forgotten after `expiresAt`.
   */
  recordLoginFailures (keys: string[], at: Date, expiresAt: Date): Promise<number[]>
  /** The unexpired failures of each key, or null when it has none. */
  getLoginFailures (keys: string[], now: Date): Promise<Array<LoginFailure | null>>
  /** Forgets every failure of these keys (after a successful login). */
  clearLoginFailures (keys: string[]): Promise<void>

  /** Stores audit events; kept until the operator deletes them (the memory store keeps the newest 10,000). */
  recordAuditEvents (records: AuditRecord[]): Promise<void>
  /** Audit events, newest first, optionally of one user, at most `limit`. */
  listAuditEvents (query: AuditQuery): Promise<AuditRecord[]>

  /**
   * Deletes expired sessions, refresh tokens, revocations, login failures and one-time tokens; returns how many
   * records went. A store may keep its newest revocation record even expired (to number the next
   * one); listRevocationsAfter never returns an expired one.
   */
  pruneExpired (now: Date): Promise<number>
  /** Resolves when the backend answers; throws StorageUnavailableError otherwise. */
  ping (): Promise<void>
  close (): Promise<void>
}

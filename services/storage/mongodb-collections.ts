import type { Collection, Db, Document } from 'mongodb'
import { MongoServerError } from 'mongodb'
import { EMAIL_INDEX, upgradeLegacyEmails } from './mongodb-email-upgrade.js'
import type { MfaCollections, PasskeyDoc, PasskeyUseDoc, RecoveryCodeDoc, TotpFactorDoc, TotpStepDoc } from './mongodb-mfa.js'
import type { CodeFailureDoc, OneTimeTokenDoc } from './mongodb-one-time-tokens.js'
import { moveLegacyRevocations, type RevocationLogDoc } from './mongodb-revocations.js'
import type { SessionRecord, UserRecord } from './types.js'

export interface UserDoc {
  _id: string
  username: string
  usernameNormalized: string
  /**
   * Absent when the user has none (the unique index is sparse: absent fields are left out of it,
   * nulls would collide); null only on documents from before unique emails, until the upgrade.
   */
  email?: string | null
  /** Absent on users stored before email verification: read as null. */
  emailVerifiedAt?: Date | null
  passwordHash: string
  roles: string[]
  createdAt: Date
  /** Absent on users stored before accounts could be disabled: read as null. */
  disabledAt?: Date | null
}

export interface SessionDoc {
  _id: string
  userId: string
  createdAt: Date
  lastUsedAt: Date
  expiresAt: Date
  revokedAt: Date | null
  userAgent: string | null
  ip: string | null
  /** Absent on sessions stored before amr existed: read as ['pwd'] (a password was all there was). */
  amr?: string[]
  /** Marks the sessions one revokeUserSessions call revoked, so it can tell which they were. */
  revokedBy?: string
}

/**
 * One document per issued refresh token, never updated. `previous` is the hash this token
 * replaced (`session:<id>` for a session's first token) under a unique index: a token is retired
 * exactly when some token names it as `previous`, and rotation is a single insert that one
 * concurrent caller wins. So old tokens are only ever forgotten from the start of the chain: a
 * token whose successor was deleted would count as current again.
 */
export interface RefreshTokenDoc {
  _id: string
  sessionId: string
  previous: string
  /**
   * 0 for a session's first token, one more for each rotation (absent on tokens stored before it
   * existed: older than any token that has one). Forgetting old tokens deletes the lowest ones.
   */
  generation?: number
  createdAt: Date
  /**
   * When this token would expire unused (the session's expiry when it was issued); the record goes
   * then. So a token rotated longer than REFRESH_TOKEN_TTL ago is unknown rather than "reused"
   * here, while the SQL and memory stores keep every token until its session expires.
   */
  expiresAt: Date
}

/** The revocations of databases from before the numbered log (mongodb-revocations.ts): moved there at start-up. */
export interface RevocationDoc {
  /** The session id: one record per session. */
  _id: string
  userId: string
  revokedAt: Date
  expiresAt: Date
}

/**
 * One document per failed login, never updated (see mongodb-login-failures.ts). `seq` numbers the
 * failures of one key, 1, 2, 3 ..., under a unique index on { key, seq }.
 */
export interface LoginFailureDoc {
  /** The throttle key: a SHA-256 hex string made by the service. */
  key: string
  seq: number
  at: Date
  expiresAt: Date
}

/** An audit event (AUDIT_LOG=storage): `_id` is the time-ordered id of createAuditIds (services/audit-trail.ts). */
export interface AuditDoc {
  _id: string
  at: Date
  event: string
  userId: string | null
  data: string
}

export interface MongoCollections extends MfaCollections {
  users: Collection<UserDoc>
  sessions: Collection<SessionDoc>
  refreshTokens: Collection<RefreshTokenDoc>
  revocationLog: Collection<RevocationLogDoc>
  loginFailures: Collection<LoginFailureDoc>
  auditEvents: Collection<AuditDoc>
  oneTimeTokens: Collection<OneTimeTokenDoc>
  codeFailures: Collection<CodeFailureDoc>
}

export function mongoCollections (db: Db): MongoCollections {
  return {
    users: db.collection<UserDoc>('users'),
    sessions: db.collection<SessionDoc>('sessions'),
    refreshTokens: db.collection<RefreshTokenDoc>('refreshTokens'),
    revocationLog: db.collection<RevocationLogDoc>('revocationLog'),
    loginFailures: db.collection<LoginFailureDoc>('loginFailures'),
    auditEvents: db.collection<AuditDoc>('auditEvents'),
    oneTimeTokens: db.collection<OneTimeTokenDoc>('oneTimeTokens'),
    codeFailures: db.collection<CodeFailureDoc>('codeFailures'),
    totpFactors: db.collection<TotpFactorDoc>('totpFactors'),
    totpSteps: db.collection<TotpStepDoc>('totpSteps'),
    recoveryCodes: db.collection<RecoveryCodeDoc>('recoveryCodes'),
    passkeys: db.collection<PasskeyDoc>('passkeys'),
    passkeyUses: db.collection<PasskeyUseDoc>('passkeyUses')
  }
}

/** FerretDB 1.x answers NotImplemented to index options it lacks (expireAfterSeconds among them). */
const NOT_IMPLEMENTED = 238

/**
 * Creates the indexes (idempotent: createIndex with an existing spec is a no-op). Resolves to
 * whether the server expires records itself through TTL indexes; when it does not (FerretDB
 * 1.24), expiresAt gets a plain index and the periodic pruneExpired job deletes expired records.
 */
export async function ensureMongoIndexes (db: Db): Promise<{ ttl: boolean }> {
  const collections = mongoCollections(db)
  const { users, sessions, refreshTokens, revocationLog, loginFailures, auditEvents, oneTimeTokens, codeFailures } = collections
  await users.createIndex({ usernameNormalized: 1 }, { unique: true, name: 'usernameNormalized_unique' })
  await upgradeLegacyEmails(users)
  // Sparse: users without an address are left out. (FerretDB 1.24 accepts the option without
  // listing it, and leaves absent fields out of a unique index anyway; it has no partial indexes.)
  await users.createIndex({ email: 1 }, { unique: true, sparse: true, name: EMAIL_INDEX })
  await sessions.createIndex({ userId: 1, createdAt: 1 }, { name: 'userId_createdAt' })
  await refreshTokens.createIndex({ previous: 1 }, { unique: true, name: 'previous_unique' })
  await refreshTokens.createIndex({ sessionId: 1 }, { name: 'sessionId' })
  await revocationLog.createIndex({ sessionId: 1 }, { unique: true, name: 'sessionId_unique' })
  // Never a TTL index: the record holding the greatest number must stay (mongodb-revocations.ts).
  await revocationLog.createIndex({ expiresAt: 1 }, { name: 'expiresAt' })
  await loginFailures.createIndex({ key: 1, seq: 1 }, { unique: true, name: 'key_seq_unique' })
  await loginFailures.createIndex({ key: 1, at: 1 }, { name: 'key_at' })
  await auditEvents.createIndex({ userId: 1, _id: -1 }, { name: 'userId_id' })
  await ensureFlowIndexes(collections)
  let ttl = await expiryIndex(sessions, true)
  ttl = await expiryIndex(refreshTokens, ttl)
  ttl = await expiryIndex(loginFailures, ttl)
  ttl = await expiryIndex(oneTimeTokens, ttl)
  ttl = await expiryIndex(codeFailures, ttl)
  await moveLegacyRevocations(db, revocationLog)
  return { ttl }
}

/** One-time tokens and second factors: the unique indexes that decide their races (mongodb-one-time-tokens.ts, mongodb-mfa.ts). */
async function ensureFlowIndexes ({ oneTimeTokens, codeFailures, totpSteps, recoveryCodes, passkeys, passkeyUses }: MongoCollections): Promise<void> {
  await oneTimeTokens.createIndex({ userId: 1, purpose: 1, createdAt: -1 }, { name: 'userId_purpose_createdAt' })
  await codeFailures.createIndex({ tokenHash: 1, seq: 1 }, { unique: true, name: 'tokenHash_seq_unique' })
  await totpSteps.createIndex({ factorId: 1, after: 1 }, { unique: true, name: 'factorId_after_unique' })
  await totpSteps.createIndex({ factorId: 1, step: -1 }, { name: 'factorId_step' })
  await totpSteps.createIndex({ userId: 1 }, { name: 'userId' })
  await recoveryCodes.createIndex({ userId: 1 }, { name: 'userId' })
  await passkeys.createIndex({ userId: 1, createdAt: 1 }, { name: 'userId_createdAt' })
  await passkeyUses.createIndex({ passkeyId: 1, seq: 1 }, { unique: true, name: 'passkeyId_seq_unique' })
  await passkeyUses.createIndex({ userId: 1 }, { name: 'userId' })
}

/** A TTL index on expiresAt when `tryTtl` and the server has them; a plain one otherwise. */
async function expiryIndex<T extends Document> (collection: Collection<T>, tryTtl: boolean): Promise<boolean> {
  if (tryTtl) {
    try {
      await collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 })
      return true
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== NOT_IMPLEMENTED) throw error
    }
  }
  await collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt' })
  return false
}

export function toUser (doc: UserDoc): UserRecord {
  const { _id: id, username, usernameNormalized, email = null, emailVerifiedAt = null, passwordHash, roles, createdAt, disabledAt = null } = doc
  return { id, username, usernameNormalized, email, emailVerifiedAt, passwordHash, roles: [...roles], createdAt, disabledAt }
}

export function toSession (doc: SessionDoc): SessionRecord {
  const { _id: id, userId, createdAt, lastUsedAt, expiresAt, revokedAt, userAgent, ip, amr = ['pwd'] } = doc
  return { id, userId, createdAt, lastUsedAt, expiresAt, revokedAt, userAgent, ip, amr: [...amr] }
}

import { randomUUID } from 'node:crypto'
import type { Db, Filter } from 'mongodb'
import { DuplicateEmailError, DuplicateUserError } from '../errors.js'
import { mongoAccounts } from './mongodb-accounts.js'
import { mongoAudit } from './mongodb-audit.js'
import { mongoCollections, toSession, toUser, type RefreshTokenDoc, type SessionDoc } from './mongodb-collections.js'
import { isDuplicateKey } from './mongodb-errors.js'
import { mongoLoginFailures } from './mongodb-login-failures.js'
import { mongoMfa } from './mongodb-mfa.js'
import { mongoOneTimeTokens } from './mongodb-one-time-tokens.js'
import { mongoRevocations, pruneRevocationLog } from './mongodb-revocations.js'
import { createMongoRunner } from './mongodb-runner.js'
import type { Store } from './types.js'

export interface MongoStoreOptions {
  /** Time budget of one operation (STORAGE_TIMEOUT_MS); also sent as maxTimeMS. */
  timeoutMs: number
}

/**
 * The store over a MongoDB `Db` (`fastify.mongo.db` from @fastify/mongodb); run
 * ensureMongoIndexes first. String `_id`s: our UUIDs for users and sessions, the SHA-256 hash
 * for refresh tokens; numbers for the revocation log (mongodb-revocations.ts).
 *
 * Races are decided by unique indexes only, never by a conditional update: rotation is one insert
 * that exactly one concurrent caller wins (see RefreshTokenDoc). On MongoDB a single
 * findOneAndUpdate({ _id, refreshHash: current }) would be atomic too, but FerretDB 1.24 applies
 * updates as read-modify-write without re-checking the filter (20 concurrent findOneAndUpdate or
 * updateOne calls with one filter all "won"), while its unique indexes hold. This model is correct
 * on both, without transactions (FerretDB has none; a standalone mongod refuses them).
 */
export function createMongoStore (db: Db, { timeoutMs }: MongoStoreOptions): Store {
  const collections = mongoCollections(db)
  const { users, sessions, refreshTokens, revocationLog, loginFailures, auditEvents, oneTimeTokens, codeFailures } = collections
  const operation = createMongoRunner(timeoutMs)

  const findUser = (filter: { _id: string } | { usernameNormalized: string } | { email: string }) => operation(async (call) => {
    const doc = await users.findOne(filter, call.read)
    return doc === null ? null : toUser(doc)
  })

  return {
    kind: 'mongodb',

    createUser: (user) => operation(async (call) => {
      const { id, username, usernameNormalized, email, emailVerifiedAt, passwordHash, roles, createdAt, disabledAt } = user
      try {
        // No address: no email field (see UserDoc).
        await users.insertOne({ _id: id, username, usernameNormalized, ...(email === null ? {} : { email }), emailVerifiedAt, passwordHash, roles: [...roles], createdAt, disabledAt }, call.write())
      } catch (error) {
        // The unique indexes decide races: no check-then-insert. FerretDB does not say which index
        // refused, so a read tells: the name first (as the memory store reports a name and an address both taken).
        if (!isDuplicateKey(error)) throw error
        if (email === null || await users.findOne({ usernameNormalized }, { ...call.read, projection: { _id: 1 } }) !== null) throw new DuplicateUserError()
        throw new DuplicateEmailError()
      }
    }),

    findUserById: (id) => findUser({ _id: id }),
    findUserByUsername: (usernameNormalized) => findUser({ usernameNormalized }),
    findUserByEmail: (email) => findUser({ email }),
    ...mongoAccounts(collections, operation),

    createSession: ({ refreshHash, id, userId, createdAt, lastUsedAt, expiresAt, userAgent, ip, amr }) => operation(async (call) => {
      await sessions.insertOne({ _id: id, userId, createdAt, lastUsedAt, expiresAt, revokedAt: null, userAgent, ip, amr: [...amr] }, call.write())
      // Written second: if it fails, the session has no token and can never be used.
      await refreshTokens.insertOne({ _id: refreshHash, sessionId: id, previous: `session:${id}`, generation: 0, createdAt, expiresAt }, call.write())
    }),

    findRefreshToken: (hash) => operation(async (call) => {
      const [token, successor] = await Promise.all([
        refreshTokens.findOne({ _id: hash }, call.read),
        refreshTokens.findOne({ previous: hash }, call.read)
      ])
      const session = token === null ? null : await sessions.findOne({ _id: token.sessionId }, call.read)
      if (session === null) return null
      return { session: toSession(session), rotatedAt: successor?.createdAt ?? null }
    }),

    rotateRefreshToken: ({ sessionId, currentHash, nextHash, now, expiresAt, keepRotated }) => operation(async (call) => {
      const [token, successor, session] = await Promise.all([
        refreshTokens.findOne({ _id: currentHash }, call.read),
        refreshTokens.findOne({ previous: currentHash }, { ...call.read, projection: { _id: 1 } }),
        sessions.findOne({ _id: sessionId }, call.read)
      ])
      if (token?.sessionId !== sessionId || successor !== null || session === null || session.revokedAt !== null) return false
      // Slide the session first (harmless if this caller then loses the race), so that the insert
      // below is the one write that commits the rotation. (On FerretDB 1.x only, this rewrite of
      // the whole document can undo a revokeSession landing in the same milliseconds.)
      const slid = await sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { lastUsedAt: now, expiresAt } }, call.write())
      if (slid.matchedCount !== 1) return false
      const generation = (token.generation ?? 0) + 1
      const next: RefreshTokenDoc = { _id: nextHash, sessionId, previous: currentHash, generation, createdAt: now, expiresAt }
      try {
        await refreshTokens.insertOne(next, call.write())
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
      // The chain's start, up to the newest token to forget: never a token whose predecessor stays.
      const forgetUpTo = generation - keepRotated - 1
      if (forgetUpTo >= 0) {
        const old = { sessionId, $or: [{ generation: { $lte: forgetUpTo } }, { generation: { $exists: false } }] }
        try {
          await refreshTokens.deleteMany(old, call.write())
        } catch {
          // The rotation is committed and must be reported so; the next rotation deletes these too.
        }
      }
      return true
    }),

    revokeSession: (sessionId, now) => operation(async (call) =>
      (await sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: now } }, call.write())).modifiedCount === 1),

    revokeUserSessions: (userId, now, exceptSessionId) => operation(async (call) => {
      // Tag what this call revokes, to return exactly those ids.
      const revokedBy = randomUUID()
      const filter: Filter<SessionDoc> = exceptSessionId === undefined ? { userId, revokedAt: null } : { userId, revokedAt: null, _id: { $ne: exceptSessionId } }
      const result = await sessions.updateMany(filter, { $set: { revokedAt: now, revokedBy } }, call.write())
      if (result.modifiedCount === 0) return []
      const revoked = await sessions.find({ userId, revokedBy }, { ...call.read, projection: { _id: 1 } }).toArray()
      return revoked.map((doc) => doc._id)
    }),

    findSession: (sessionId) => operation(async (call) => {
      const doc = await sessions.findOne({ _id: sessionId }, call.read)
      return doc === null ? null : toSession(doc)
    }),

    setSessionAmr: (sessionId, amr) => operation(async (call) =>
      (await sessions.updateOne({ _id: sessionId, revokedAt: null }, { $set: { amr: [...amr] } }, call.write())).matchedCount === 1),

    listUserSessions: (userId, now) => operation(async (call) => {
      const docs = await sessions.find({ userId, revokedAt: null, expiresAt: { $gt: now } }, call.read).sort({ createdAt: 1, _id: 1 }).toArray()
      return docs.map(toSession)
    }),

    ...mongoRevocations(revocationLog, operation),
    ...mongoLoginFailures(loginFailures, operation),
    ...mongoAudit(auditEvents, operation),
    ...mongoOneTimeTokens(oneTimeTokens, codeFailures, operation),
    ...mongoMfa(collections, operation),

    pruneExpired: (now) => operation(async (call) => {
      const expired = { expiresAt: { $lte: now } }
      const results = [
        await sessions.deleteMany(expired, call.write()),
        await refreshTokens.deleteMany(expired, call.write()),
        { deletedCount: await pruneRevocationLog(revocationLog, now, call) },
        await loginFailures.deleteMany(expired, call.write()),
        await oneTimeTokens.deleteMany(expired, call.write()),
        await codeFailures.deleteMany(expired, call.write())
      ]
      return results.reduce((sum, result) => sum + result.deletedCount, 0)
    }),

    ping: () => operation(async (call) => { await db.command({ ping: 1 }, { signal: call.read.signal }) }),
    close: async () => {}
  }
}

import type { Collection } from 'mongodb'
import { isDuplicateKey } from './mongodb-errors.js'
import type { CallOptions, MongoRunner } from './mongodb-runner.js'
import type { CodeAttempt, OneTimeTokenRecord, OneTimeTokenStore } from './types.js'

/** A one-time token, never updated: `failedAttempts` is the count it was created with. */
export interface OneTimeTokenDoc {
  /** SHA-256 hex of the secret. */
  _id: string
  purpose: string
  userId: string | null
  codeHash: string | null
  data: string | null
  createdAt: Date
  expiresAt: Date
  failedAttempts: number
}

/** One wrong code typed against a token: numbered 1, 2, 3 ... per token under a unique index on { tokenHash, seq }. */
export interface CodeFailureDoc {
  tokenHash: string
  seq: number
  /** The token's: the record goes with it. */
  expiresAt: Date
}

type Calls = Pick<CallOptions, 'read' | 'write'>

/**
 * One-time tokens on MongoDB / FerretDB. Consuming is a deleteOne whose deletedCount says who won
 * (FerretDB deletes a document once: of 20 concurrent deleteOne calls one reports 1). Wrong codes
 * are never counted with $inc (FerretDB applies it as read-modify-write, losing concurrent
 * increments) but inserted as numbered failures, like login failures: a caller takes the number
 * after the highest it reads and, on a duplicate key, the next one, so each failure gets its own
 * number and the number is the count. The token's failedAttempts is its stored count plus its failures.
 */
export function mongoOneTimeTokens (tokens: Collection<OneTimeTokenDoc>, failures: Collection<CodeFailureDoc>, operation: MongoRunner): OneTimeTokenStore {
  /** The token as a record, its failures counted. */
  async function toToken (doc: OneTimeTokenDoc, call: Calls): Promise<OneTimeTokenRecord> {
    const { _id: hash, purpose, userId, codeHash, data, createdAt, expiresAt, failedAttempts } = doc
    const counted = await failures.findOne({ tokenHash: hash }, { ...call.read, sort: { seq: -1 }, projection: { seq: 1 } })
    return { hash, purpose, userId, codeHash, data, createdAt, expiresAt, failedAttempts: Math.max(failedAttempts, counted?.seq ?? 0) }
  }

  /** Takes the token if this caller deletes it; the record as it was. */
  async function take (doc: OneTimeTokenDoc, call: Calls): Promise<OneTimeTokenRecord | null> {
    const record = await toToken(doc, call)
    if ((await tokens.deleteOne({ _id: doc._id }, call.write())).deletedCount !== 1) return null
    await failures.deleteMany({ tokenHash: doc._id }, call.write())
    return record
  }

  /** Records one wrong code; returns the token's count of wrong codes with it. */
  async function countFailure (doc: OneTimeTokenDoc, call: Calls): Promise<number> {
    const last = await failures.findOne({ tokenHash: doc._id }, { ...call.read, sort: { seq: -1 }, projection: { seq: 1 } })
    let seq = Math.max(last?.seq ?? 0, doc.failedAttempts) + 1
    // Ends with an insert, or when the deadline passes (call.write() throws then).
    for (;;) {
      try {
        await failures.insertOne({ tokenHash: doc._id, seq, expiresAt: doc.expiresAt }, call.write())
        return seq
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        seq += 1
      }
    }
  }

  return {
    createOneTimeToken: (token, replace) => operation(async (call) => {
      if (replace !== undefined) await tokens.deleteMany({ userId: replace.userId, purpose: { $in: replace.purposes } }, call.write())
      const { hash, purpose, userId, codeHash, data, createdAt, expiresAt, failedAttempts } = token
      await tokens.insertOne({ _id: hash, purpose, userId, codeHash, data, createdAt, expiresAt, failedAttempts }, call.write())
    }),

    consumeOneTimeToken: (hash, purpose, now) => operation(async (call) => {
      const doc = await tokens.findOne({ _id: hash, purpose, expiresAt: { $gt: now } }, call.read)
      return doc === null ? null : await take(doc, call)
    }),

    consumeOneTimeTokenByCode: (userId, purpose, codeHash, now, maxFailedAttempts) => operation(async (call): Promise<CodeAttempt> => {
      const doc = await tokens.findOne({ userId, purpose, expiresAt: { $gt: now } }, { ...call.read, sort: { createdAt: -1, _id: -1 } })
      if (doc === null) return { outcome: 'no_token' }
      if (doc.codeHash !== null && doc.codeHash === codeHash) {
        const token = await take(doc, call)
        return token === null ? { outcome: 'no_token' } : { outcome: 'consumed', token }
      }
      const failed = await countFailure(doc, call)
      if (failed >= maxFailedAttempts) await tokens.deleteOne({ _id: doc._id }, call.write())
      return { outcome: 'wrong_code', attemptsLeft: Math.max(0, maxFailedAttempts - failed) }
    }),

    findOneTimeToken: (hash, purpose, now) => operation(async (call) => {
      const doc = await tokens.findOne({ _id: hash, purpose, expiresAt: { $gt: now } }, call.read)
      return doc === null ? null : await toToken(doc, call)
    }),

    deleteOneTimeTokens: (userId, purposes) => operation(async (call) =>
      (await tokens.deleteMany({ userId, purpose: { $in: purposes } }, call.write())).deletedCount)
  }
}

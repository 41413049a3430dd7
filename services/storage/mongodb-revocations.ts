import type { Collection, Db } from 'mongodb'
import { StorageUnavailableError } from '../errors.js'
import type { RevocationDoc } from './mongodb-collections.js'
import { isOnlyDuplicateKeys } from './mongodb-errors.js'
import type { CallOptions, MongoRunner } from './mongodb-runner.js'
import type { Revocation, Store } from './types.js'

/** A revocation numbered in the log: `_id` 1, 2, 3 ... in the order they were recorded. */
export interface RevocationLogDoc {
  _id: number
  sessionId: string
  userId: string
  revokedAt: Date
  expiresAt: Date
}

/** Rounds of "read the last number, insert after it" a writer tries before giving up (each lost round means another writer won one). */
const MAX_ROUNDS = 100

type Calls = Pick<CallOptions, 'read' | 'write'>

/**
 * The revocation log on MongoDB / FerretDB. Readers ask for the numbers after the last one they
 * saw, never by revokedAt (another instance's clock wrote it).
 *
 * Numbering without transactions (FerretDB has none): a writer reads the greatest number N and
 * inserts its records as N+1, N+2 ... in order (ordered insertMany); `_id` is unique, so of two
 * writers that read the same N one wins and the other reads again. A record numbered N+1 is thus
 * inserted only after record N was visible, so numbers become visible in order. A reader first
 * reads the greatest number M, then the records in (cursor, M]: every record up to M was visible
 * before M was, so none of them can appear later behind the reader's new cursor M. (A counter
 * document with $inc would hand out numbers that commit out of order.) The record holding the
 * greatest number is never pruned, even expired, so a number is never handed out twice; for the
 * same reason this collection has no TTL index. A unique index on sessionId keeps the first
 * record of a session.
 */
export function mongoRevocations (log: Collection<RevocationLogDoc>, operation: MongoRunner): Pick<Store, 'recordRevocations' | 'listRevocationsAfter'> {
  return {
    recordRevocations: (list) => operation((call) => appendRevocations(log, list, call)),

    listRevocationsAfter: (cursor, now) => operation(async (call) => {
      const last = await lastNumber(log, call)
      if (last <= cursor) return { revocations: [], cursor }
      const docs = await log.find({ _id: { $gt: cursor, $lte: last }, expiresAt: { $gt: now } }, call.read).sort({ _id: 1 }).toArray()
      const revocations = docs.map(({ sessionId, userId, revokedAt, expiresAt }): Revocation => ({ sessionId, userId, revokedAt, expiresAt }))
      return { revocations, cursor: last }
    })
  }
}

async function lastNumber (log: Collection<RevocationLogDoc>, call: Calls): Promise<number> {
  const [newest] = await log.find({}, { ...call.read, projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).toArray()
  return newest?._id ?? 0
}

/** Appends the records of sessions not yet in the log, numbered after the last one. */
export async function appendRevocations (log: Collection<RevocationLogDoc>, list: Revocation[], call: Calls): Promise<void> {
  let pending = list
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) {
      // The last round lost a number or met a session recorded meanwhile: drop what is recorded now.
      const held = await log.find({ sessionId: { $in: pending.map((r) => r.sessionId) } }, { ...call.read, projection: { sessionId: 1 } }).toArray()
      const recorded = new Set(held.map((doc) => doc.sessionId))
      pending = pending.filter((r) => !recorded.has(r.sessionId))
    }
    if (pending.length === 0) return
    const last = await lastNumber(log, call)
    const docs = pending.map(({ sessionId, userId, revokedAt, expiresAt }, i) => ({ _id: last + 1 + i, sessionId, userId, revokedAt, expiresAt }))
    try {
      await log.insertMany(docs, { ...call.write(), ordered: true })
      return
    } catch (error) {
      // The records before the failing one went in; the next round numbers the rest after the new last.
      if (!isOnlyDuplicateKeys(error)) throw error
    }
  }
  throw new StorageUnavailableError(new Error(`revocations not recorded after ${MAX_ROUNDS} rounds of concurrent writers`))
}

/** Deletes expired records, except the one holding the greatest number. */
export async function pruneRevocationLog (log: Collection<RevocationLogDoc>, now: Date, call: Calls): Promise<number> {
  const last = await lastNumber(log, call)
  return (await log.deleteMany({ expiresAt: { $lte: now }, _id: { $lt: last } }, call.write())).deletedCount
}

/**
 * Upgrades a database from before the log: live records of the old `revocations` collection
 * (keyed by session id, synced by revokedAt) are appended to the log and removed from it.
 * Safe when several instances start together: appending is idempotent per session.
 */
export async function moveLegacyRevocations (db: Db, log: Collection<RevocationLogDoc>): Promise<void> {
  const legacy = db.collection<RevocationDoc>('revocations')
  const docs = await legacy.find({ expiresAt: { $gt: new Date() } }).sort({ revokedAt: 1 }).toArray()
  const calls: Calls = { read: { maxTimeMS: 60_000, signal: new AbortController().signal }, write: () => ({ maxTimeMS: 60_000 }) }
  await appendRevocations(log, docs.map(({ _id: sessionId, userId, revokedAt, expiresAt }) => ({ sessionId, userId, revokedAt, expiresAt })), calls)
  await legacy.deleteMany({ $or: [{ _id: { $in: docs.map((doc) => doc._id) } }, { expiresAt: { $lte: new Date() } }] })
}

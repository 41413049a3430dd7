import type { Collection } from 'mongodb'
import type { LoginFailureDoc } from './mongodb-collections.js'
import { isDuplicateKey } from './mongodb-errors.js'
import type { CallOptions, MongoRunner } from './mongodb-runner.js'
import type { LoginFailure, Store } from './types.js'

type LoginFailureStore = Pick<Store, 'recordLoginFailures' | 'getLoginFailures' | 'clearLoginFailures'>

/**
 * Login failures as one inserted document per failure: no counter is ever updated, because
 * FerretDB 1.24 applies updates as read-modify-write ($inc included), so concurrent increments
 * get lost there.
 *
 * Race safety: the failures of a key are numbered 1, 2, 3 ... (`seq`) under a unique index on
 * { key, seq }, so each number goes to exactly one insert. A recorder tries the number after the
 * highest it reads, and after a duplicate key the next one. It only ever tries n + 1 once it has
 * seen that n is taken, so every failure numbered below its own was stored before its own: its
 * count is the unexpired failures numbered up to its own, and concurrent recorders see distinct
 * counts. (Counting "documents up to my ObjectId" would not do: ObjectIds are made by the client
 * before the insert, so a smaller one can land later and be missed by both callers; and ObjectIds of
 * different processes are not ordered at all.)
 */
export function mongoLoginFailures (loginFailures: Collection<LoginFailureDoc>, operation: MongoRunner): LoginFailureStore {
  async function recordOne (key: string, at: Date, expiresAt: Date, call: CallOptions): Promise<number> {
    const last = await loginFailures.findOne({ key }, { ...call.read, sort: { seq: -1 }, projection: { seq: 1 } })
    let seq = (last?.seq ?? 0) + 1
    // Ends with an insert, or when the deadline passes (call.write() throws then).
    for (;;) {
      try {
        await loginFailures.insertOne({ key, seq, at, expiresAt }, call.write())
        break
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        seq += 1
      }
    }
    return await loginFailures.countDocuments({ key, seq: { $lte: seq }, expiresAt: { $gt: at } }, call.read)
  }

  return {
    recordLoginFailures: (keys, at, expiresAt) => operation(async (call) => {
      // Keys in parallel; a key named twice in one call is recorded twice, in order.
      const counts = new Map<string, number[]>()
      await Promise.all([...new Set(keys)].map(async (key) => {
        const list: number[] = []
        for (const other of keys) if (other === key) list.push(await recordOne(key, at, expiresAt, call))
        counts.set(key, list)
      }))
      return keys.map((key) => counts.get(key)?.shift() as number)
    }),

    getLoginFailures: (keys, now) => operation(async (call) => {
      if (keys.length === 0) return []
      // Few documents per key (the throttle refuses attempts while a key is locked): one query for all.
      const docs = await loginFailures.find({ key: { $in: [...new Set(keys)] }, expiresAt: { $gt: now } }, { ...call.read, projection: { _id: 0, key: 1, at: 1 } }).toArray()
      const found = new Map<string, LoginFailure>()
      for (const { key, at } of docs) {
        const seen = found.get(key)
        if (seen === undefined) found.set(key, { count: 1, lastFailureAt: at })
        else found.set(key, { count: seen.count + 1, lastFailureAt: at > seen.lastFailureAt ? at : seen.lastFailureAt })
      }
      return keys.map((key) => {
        const failure = found.get(key)
        return failure === undefined ? null : { ...failure }
      })
    }),

    clearLoginFailures: (keys) => operation(async (call) => {
      if (keys.length > 0) await loginFailures.deleteMany({ key: { $in: keys } }, call.write())
    })
  }
}

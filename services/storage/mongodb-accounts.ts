import type { Filter, UpdateFilter } from 'mongodb'
import { DuplicateEmailError } from '../errors.js'
import { toUser, type MongoCollections, type UserDoc } from './mongodb-collections.js'
import { isDuplicateKeyOnUpdate } from './mongodb-errors.js'
import { deleteUserFactors } from './mongodb-mfa.js'
import type { MongoRunner } from './mongodb-runner.js'
import type { Store } from './types.js'

type AccountStore = Pick<Store, 'listUsers' | 'updateUser' | 'deleteUser'>

/** Account administration over the users, sessions and refreshTokens collections. */
export function mongoAccounts (collections: MongoCollections, operation: MongoRunner): AccountStore {
  const { users, sessions, refreshTokens, oneTimeTokens } = collections
  return {
    listUsers: ({ prefix = '', after, limit }) => operation(async (call) => {
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`listUsers: limit must be a non-negative integer, got ${limit}`)
      // limit(0) would mean "no limit" to MongoDB.
      if (limit === 0) return []
      // A range instead of a regex: nothing to escape, and the index serves it. Strings compare
      // by their UTF-8 bytes (simple binary comparison) on MongoDB and FerretDB alike.
      const name: NonNullable<Filter<UserDoc>['usernameNormalized']> = {}
      if (prefix !== '') {
        name.$gte = prefix
        const upper = prefixUpperBound(prefix)
        if (upper !== null) name.$lt = upper
      }
      if (after !== undefined) name.$gt = after
      const filter: Filter<UserDoc> = Object.keys(name).length === 0 ? {} : { usernameNormalized: name }
      const docs = await users.find(filter, call.read).sort({ usernameNormalized: 1 }).limit(limit).toArray()
      return docs.map(toUser)
    }),

    updateUser: (id, { roles, disabledAt, passwordHash, email, emailVerifiedAt }) => operation(async (call) => {
      const changes: Partial<UserDoc> = {}
      if (roles !== undefined) changes.roles = [...roles]
      if (disabledAt !== undefined) changes.disabledAt = disabledAt
      if (passwordHash !== undefined) changes.passwordHash = passwordHash
      if (typeof email === 'string') changes.email = email
      if (emailVerifiedAt !== undefined) changes.emailVerifiedAt = emailVerifiedAt
      const update: UpdateFilter<UserDoc> = {}
      // An empty $set is an error; no address is no field (see UserDoc).
      if (Object.keys(changes).length > 0) update.$set = changes
      if (email === null) update.$unset = { email: '' }
      // With nothing to change, only say whether the user exists.
      if (Object.keys(update).length === 0) return (await users.findOne({ _id: id }, { ...call.read, projection: { _id: 1 } })) !== null
      try {
        return (await users.updateOne({ _id: id }, update, call.write())).matchedCount === 1
      } catch (error) {
        // The unique index on email: another user holds the address (race-safe, no check first).
        if (isDuplicateKeyOnUpdate(error)) throw new DuplicateEmailError()
        throw error
      }
    }),

    deleteUser: (id) => operation(async (call) => {
      // No transactions (FerretDB has none): the order makes every intermediate state safe. The
      // sessions go first: a refresh token whose session is gone is refused (findRefreshToken
      // answers null), so after the first write nothing of this user works any more, and a crash
      // leaves only orphans that pruning removes and a user that a retry deletes.
      const owned = await sessions.find({ userId: id }, { ...call.read, projection: { _id: 1 } }).toArray()
      await sessions.deleteMany({ userId: id }, call.write())
      if (owned.length > 0) await refreshTokens.deleteMany({ sessionId: { $in: owned.map((doc) => doc._id) } }, call.write())
      await oneTimeTokens.deleteMany({ userId: id }, call.write())
      await deleteUserFactors(collections, id, call)
      return (await users.deleteOne({ _id: id }, call.write())).deletedCount === 1
    })
  }
}

/**
 * The least string above every string that starts with `prefix`, in code point order (which is
 * UTF-8 byte order); null when there is none (the prefix is all U+10FFFF).
 */
export function prefixUpperBound (prefix: string): string | null {
  const points = Array.from(prefix, (character) => character.codePointAt(0) as number)
  while (points.length > 0) {
    const last = points.pop() as number
    if (last < 0x10ffff) {
      // Skip the surrogate range: those code points have no UTF-8 form.
      const next = last >= 0xd7ff && last < 0xe000 ? 0xe000 : last + 1
      return String.fromCodePoint(...points, next)
    }
  }
  return null
}

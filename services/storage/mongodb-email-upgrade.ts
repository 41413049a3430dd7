import type { Collection } from 'mongodb'
import type { UserDoc } from './mongodb-collections.js'
import { isDuplicateKeyOnUpdate } from './mongodb-errors.js'

export const EMAIL_INDEX = 'email_unique'

/**
 * Makes the emails of a database from before unique emails fit the unique index, once (while the
 * index does not exist yet): an address is stored trimmed and lower-cased, a shared one stays with
 * the oldest account (createdAt, then _id) and the others lose it, and "no address" is an absent
 * field rather than null (the sparse index leaves absent fields out; nulls would collide).
 * Several instances starting together do the same updates; each is harmless twice.
 */
export async function upgradeLegacyEmails (users: Collection<UserDoc>): Promise<void> {
  const indexes = await users.listIndexes().toArray().catch(() => [])
  if (indexes.some((index) => index.name === EMAIL_INDEX)) return
  const options = { maxTimeMS: 60_000 }
  await users.updateMany({ email: null }, { $unset: { email: '' } }, options)
  const docs = await users.find({ email: { $type: 'string' } }, { ...options, projection: { email: 1, createdAt: 1 } }).sort({ createdAt: 1, _id: 1 }).toArray()
  const holders = new Set<string>()
  for (const doc of docs) {
    const email = (doc.email ?? '').trim().toLowerCase()
    const keep = email !== '' && !holders.has(email)
    if (keep) holders.add(email)
    if (keep && email === doc.email) continue
    try {
      await users.updateOne({ _id: doc._id }, keep ? { $set: { email } } : { $unset: { email: '' } }, options)
    } catch (error) {
      // An instance that upgraded meanwhile made the index: the address is someone else's already.
      if (!isDuplicateKeyOnUpdate(error)) throw error
      await users.updateOne({ _id: doc._id }, { $unset: { email: '' } }, options)
    }
  }
}

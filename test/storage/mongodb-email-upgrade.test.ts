import { MongoClient } from 'mongodb'
import t from 'tap'
import { DuplicateEmailError } from '../../services/errors.js'
import { mongoClientOptions } from '../../services/storage/driver-options.js'
import { ensureMongoIndexes } from '../../services/storage/mongodb-collections.js'
import { createMongoStore } from '../../services/storage/mongodb.js'
import { newUser } from './contract.js'
import { freshMongoDatabase, withDatabaseServer } from './databases.js'

const T0 = Date.parse('2026-11-01T10:00:00.000Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000)

/** Users as a release before unique emails stored them: emails as typed, null for none, one address on several accounts. */
const LEGACY = [
  { _id: 'u3', usernameNormalized: 'alice-newest', email: 'ALICE@example.com', createdAt: at(30) },
  { _id: 'u1', usernameNormalized: 'alice-oldest', email: '  Alice@Example.COM ', createdAt: at(10) },
  { _id: 'u2', usernameNormalized: 'alice-middle', email: 'alice@example.com', createdAt: at(20) },
  { _id: 'u5', usernameNormalized: 'tie-b', email: 'tie@example.com', createdAt: at(40) },
  { _id: 'u4', usernameNormalized: 'tie-a', email: 'Tie@example.com', createdAt: at(40) },
  { _id: 'u6', usernameNormalized: 'bob', email: ' Bob@Example.com', createdAt: at(50) },
  { _id: 'u7', usernameNormalized: 'blank', email: '   ', createdAt: at(60) },
  { _id: 'u8', usernameNormalized: 'none', email: null, createdAt: at(70) },
  { _id: 'u9', usernameNormalized: 'none-too', email: null, createdAt: at(80) }
]

withDatabaseServer(t, 'MONGODB_URL', async (t, serverUrl) => {
  t.test('ensureMongoIndexes - should normalise existing emails, keep a shared one on the oldest account, and read old sessions as amr ["pwd"]', async (t) => {
    const database = await freshMongoDatabase(t, serverUrl)
    const client = await new MongoClient(database.url, mongoClientOptions({ poolSize: 2, timeoutMs: 5000 })).connect()
    t.teardown(() => client.close())
    const db = client.db(database.name)
    const users = db.collection<Record<string, unknown> & { _id: string }>('users')
    await users.insertMany(LEGACY.map((user) => ({ ...user, username: user.usernameNormalized, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', roles: ['user'] })))
    await db.collection<Record<string, unknown> & { _id: string }>('sessions').insertOne({ _id: 's1', userId: 'u6', createdAt: at(50), lastUsedAt: at(50), expiresAt: new Date('2099-01-01T00:00:00.000Z'), revokedAt: null, userAgent: null, ip: null })

    await ensureMongoIndexes(db)
    await ensureMongoIndexes(db) // a second start (or a second instance) changes nothing
    const store = createMongoStore(db, { timeoutMs: 5000 })
    const emails = Object.fromEntries(await Promise.all(LEGACY.map(async (user) => [user.usernameNormalized, (await store.findUserById(user._id))?.email])))
    t.same(emails, {
      'alice-newest': null,
      'alice-oldest': 'alice@example.com',
      'alice-middle': null,
      'tie-b': null,
      'tie-a': 'tie@example.com',
      bob: 'bob@example.com',
      blank: null,
      none: null,
      'none-too': null
    }, 'trimmed and lower-cased; a shared address stays with the oldest account (then the smaller id)')
    t.equal(await users.countDocuments({ email: { $type: 'null' } }), 0, 'no address is no field: the sparse index leaves those out')
    t.match(await store.findUserByEmail('alice@example.com'), { id: 'u1', emailVerifiedAt: null })
    t.same((await store.findSession('s1'))?.amr, ['pwd'], 'sessions from before amr count as password logins')
    await t.rejects(store.createUser({ ...newUser(), email: 'alice@example.com' }), DuplicateEmailError, 'the address is unique from now on')
    await store.createUser({ ...newUser(), email: null })
    await store.createUser({ ...newUser(), email: null })
  })
})

import { MongoClient } from 'mongodb'
import t from 'tap'
import { mongoClientOptions } from '../../services/storage/driver-options.js'
import { ensureMongoIndexes, mongoCollections } from '../../services/storage/mongodb-collections.js'
import { freshMongoDatabase, withDatabaseServer } from '../storage/databases.js'

withDatabaseServer(t, 'MONGODB_URL', async (t, serverUrl) => {
  t.test('ensureMongoIndexes - should create the unique, lookup and expiry indexes, and be idempotent', async (t) => {
    const database = await freshMongoDatabase(t, serverUrl)
    const client = new MongoClient(database.url, mongoClientOptions({ poolSize: 2, timeoutMs: 5000 }))
    await client.connect()
    t.teardown(() => client.close())
    const db = client.db(database.name)

    const { ttl } = await ensureMongoIndexes(db)
    t.same(await ensureMongoIndexes(db), { ttl }, 'a second start changes nothing and reports the same')
    t.comment(`TTL indexes on this server: ${ttl}`)

    /** The indexes besides _id, in key order (servers list them in different orders). */
    const indexes = async (name: keyof ReturnType<typeof mongoCollections>) =>
      (await mongoCollections(db)[name].listIndexes().toArray())
        .map(({ key, unique, expireAfterSeconds }) => ({ key, unique: unique === true, expireAfterSeconds }))
        .filter(({ key }) => JSON.stringify(key) !== '{"_id":1}')
        .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)))
    const expiry = { key: { expiresAt: 1 }, unique: false, expireAfterSeconds: ttl ? 0 : undefined }
    t.same(await indexes('users'), [{ key: { email: 1 }, unique: true, expireAfterSeconds: undefined }, { key: { usernameNormalized: 1 }, unique: true, expireAfterSeconds: undefined }])
    t.same(await indexes('sessions'), [expiry, { key: { userId: 1, createdAt: 1 }, unique: false, expireAfterSeconds: undefined }])
    t.same(await indexes('refreshTokens'), [
      expiry,
      { key: { previous: 1 }, unique: true, expireAfterSeconds: undefined },
      { key: { sessionId: 1 }, unique: false, expireAfterSeconds: undefined }
    ])
    t.same(await indexes('revocationLog'), [{ key: { expiresAt: 1 }, unique: false, expireAfterSeconds: undefined }, { key: { sessionId: 1 }, unique: true, expireAfterSeconds: undefined }], 'no TTL index: the newest record must stay')
    t.same(await indexes('loginFailures'), [
      expiry,
      { key: { key: 1, at: 1 }, unique: false, expireAfterSeconds: undefined },
      { key: { key: 1, seq: 1 }, unique: true, expireAfterSeconds: undefined }
    ])
    const plain = (key: Record<string, number>) => ({ key, unique: false, expireAfterSeconds: undefined })
    const unique = (key: Record<string, number>) => ({ key, unique: true, expireAfterSeconds: undefined })
    t.same(await indexes('oneTimeTokens'), [expiry, plain({ userId: 1, purpose: 1, createdAt: -1 })])
    t.same(await indexes('codeFailures'), [expiry, unique({ tokenHash: 1, seq: 1 })])
    t.same(await indexes('totpSteps'), [unique({ factorId: 1, after: 1 }), plain({ factorId: 1, step: -1 }), plain({ userId: 1 })])
    t.same(await indexes('recoveryCodes'), [plain({ userId: 1 })])
    t.same(await indexes('passkeys'), [plain({ userId: 1, createdAt: 1 })])
    t.same(await indexes('passkeyUses'), [unique({ passkeyId: 1, seq: 1 }), plain({ userId: 1 })])
    t.same(await indexes('auditEvents'), [{ key: { userId: 1, _id: -1 }, unique: false, expireAfterSeconds: undefined }], 'audit events never expire')
  })
})

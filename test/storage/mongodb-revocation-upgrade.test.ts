import { randomUUID } from 'node:crypto'
import { MongoClient } from 'mongodb'
import t from 'tap'
import { mongoClientOptions } from '../../services/storage/driver-options.js'
import { ensureMongoIndexes } from '../../services/storage/mongodb-collections.js'
import { createMongoStore } from '../../services/storage/mongodb.js'
import { freshMongoDatabase, withDatabaseServer } from './databases.js'

withDatabaseServer(t, 'MONGODB_URL', async (t, serverUrl) => {
  t.test('ensureMongoIndexes - should move the live records of the old revocations collection into the numbered log', async (t) => {
    const database = await freshMongoDatabase(t, serverUrl)
    const client = await new MongoClient(database.url, mongoClientOptions({ poolSize: 2, timeoutMs: 5000 })).connect()
    t.teardown(() => client.close())
    const db = client.db(database.name)
    const now = new Date()
    const live = { sessionId: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - 60_000), expiresAt: new Date(now.getTime() + 600_000) }
    const legacy = db.collection<{ _id: string, userId: string, revokedAt: Date, expiresAt: Date }>('revocations')
    await legacy.insertMany([
      { _id: live.sessionId, userId: live.userId, revokedAt: live.revokedAt, expiresAt: live.expiresAt },
      { _id: randomUUID(), userId: randomUUID(), revokedAt: new Date(now.getTime() - 3600_000), expiresAt: new Date(now.getTime() - 60_000) }
    ])
    await ensureMongoIndexes(db)
    await ensureMongoIndexes(db) // a second start (or a second instance) changes nothing
    const store = createMongoStore(db, { timeoutMs: 5000 })
    const loaded = await store.listRevocationsAfter(0, now)
    t.same(loaded.revocations, [live], 'the live record, once')
    t.equal(await legacy.countDocuments(), 0, 'the old collection is emptied')
    const added = { ...live, sessionId: randomUUID() }
    await store.recordRevocations([added])
    t.same((await store.listRevocationsAfter(loaded.cursor, now)).revocations, [added], 'new records come after it')
  })
})

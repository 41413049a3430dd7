import { MongoClient } from 'mongodb'
import t from 'tap'
import { mongoClientOptions } from '../../services/storage/driver-options.js'
import { ensureMongoIndexes, mongoCollections } from '../../services/storage/mongodb-collections.js'
import { createMongoStore } from '../../services/storage/mongodb.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'
import { freshMongoDatabase, withDatabaseServer } from './databases.js'

withDatabaseServer(t, 'MONGODB_URL', async (t, serverUrl) => {
  const database = await freshMongoDatabase(t, serverUrl)
  const client = new MongoClient(database.url, mongoClientOptions({ poolSize: 10, timeoutMs: 5000 }))
  await client.connect()
  t.teardown(() => client.close())
  const db = client.db(database.name)
  await ensureMongoIndexes(db)
  const store = createMongoStore(db, { timeoutMs: 5000 })

  // One database per run; every case starts from empty collections (indexes kept).
  storeContract(t, async () => {
    for (const collection of Object.values(mongoCollections(db))) await collection.deleteMany({})
    return store
  })
  usernameContract(t, async () => store) // fresh usernames per case: no cleanup needed
})

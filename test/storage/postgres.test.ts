import pg from 'pg'
import t from 'tap'
import { postgresPoolOptions } from '../../services/storage/driver-options.js'
import { openSqlStore, postgresDatabase } from '../../services/storage/sql/open.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'
import { freshPostgresDatabase, withDatabaseServer } from './databases.js'
import { emptyTables } from './sql-tables.js'

withDatabaseServer(t, 'POSTGRES_URL', async (t, serverUrl) => {
  const database = await freshPostgresDatabase(t, serverUrl)
  const pool = new pg.Pool(postgresPoolOptions(database.url, { poolSize: 10, timeoutMs: 5000 }))
  t.teardown(() => pool.end())
  // The database is dropped WITH (FORCE) before the pool ends: its idle clients see their connection end.
  pool.on('error', () => {})
  const sql = postgresDatabase(pool)
  const { store } = await openSqlStore(sql, { database: database.name, timeoutMs: 5000 })

  // One database per run; every case starts from empty tables.
  storeContract(t, async () => {
    await emptyTables(sql.db)
    return store
  })
  usernameContract(t, async () => store) // fresh usernames per case: no cleanup needed
})

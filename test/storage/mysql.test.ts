import mysql from 'mysql2/promise'
import t from 'tap'
import { mysqlPoolOptions } from '../../services/storage/driver-options.js'
import { migrateMysql } from '../../services/storage/mysql-migrations.js'
import { createMysqlStore } from '../../services/storage/mysql.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'
import { freshMysqlDatabase, withDatabaseServer } from './databases.js'

/** Child tables first: the foreign keys point from refresh_tokens to sessions to users. */
const TABLES = ['refresh_tokens', 'sessions', 'users', 'revocations']

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const database = await freshMysqlDatabase(t, serverUrl)
  const pool = mysql.createPool(mysqlPoolOptions(database.url, { poolSize: 10, timeoutMs: 5000 }))
  t.teardown(() => pool.end())
  await migrateMysql(pool, { database: database.name })
  const store = createMysqlStore(pool, { timeoutMs: 5000 })

  // One database per run; every case starts from empty tables.
  storeContract(t, async () => {
    for (const table of TABLES) await pool.query(`DELETE FROM ${table}`)
    return store
  })
  usernameContract(t, async () => store) // fresh usernames per case: no cleanup needed
})

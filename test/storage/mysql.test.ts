import mysql from 'mysql2'
import t from 'tap'
import { mysqlPoolOptions } from '../../services/storage/driver-options.js'
import { mysqlDatabase, openSqlStore } from '../../services/storage/sql/open.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'
import { freshMysqlDatabase, withDatabaseServer } from './databases.js'
import { emptyTables } from './sql-tables.js'

withDatabaseServer(t, 'MYSQL_URL', async (t, serverUrl) => {
  const database = await freshMysqlDatabase(t, serverUrl)
  const pool = mysql.createPool(mysqlPoolOptions(database.url, { poolSize: 10, timeoutMs: 5000 }))
  t.teardown(() => new Promise<void>((resolve) => pool.end(() => resolve())))
  const sql = mysqlDatabase(pool)
  const { store } = await openSqlStore(sql, { database: database.name, timeoutMs: 5000 })

  // One database per run; every case starts from empty tables.
  storeContract(t, async () => {
    await emptyTables(sql.db)
    return store
  })
  usernameContract(t, async () => store) // fresh usernames per case: no cleanup needed
})

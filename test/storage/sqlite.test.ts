import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { openSqlStore, sqliteDatabase } from '../../services/storage/sql/open.js'
import { storeContract } from './contract.js'
import { usernameContract } from './contract-usernames.js'
import { sqliteDrivers } from './sqlite-drivers.js'

const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-contract-'))
t.teardown(() => rmSync(folder, { recursive: true, force: true }))

for (const driver of await sqliteDrivers()) {
  t.test(`with ${driver}`, async (t) => {
    let files = 0
    // A new database file per case: migrations on an empty file take a few milliseconds.
    const freshStore = async (t: Test) => {
      const database = await sqliteDatabase(join(folder, `${driver.replace(/\W/g, '-')}-${files++}.db`), { busyTimeoutMs: 5000, driver })
      const { store } = await openSqlStore(database, { database: 'auth', timeoutMs: 5000 })
      t.teardown(() => store.close())
      return store
    }
    storeContract(t, freshStore)
    usernameContract(t, freshStore)
  })
}

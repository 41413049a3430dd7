import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openSqlStore, sqliteDatabase } from '../../services/storage/sql/open.js'
import { defaultSqliteDriver, type SqliteDriverName } from '../../services/storage/sql/sqlite-driver.js'
import { storeContract } from './contract.js'

// better-sqlite3 everywhere it builds; node:sqlite too where this Node.js has it (22.16+, 24).
const drivers: SqliteDriverName[] = defaultSqliteDriver() === 'node:sqlite' ? ['node:sqlite', 'better-sqlite3'] : ['better-sqlite3']
const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-contract-'))
t.teardown(() => rmSync(folder, { recursive: true, force: true }))

for (const driver of drivers) {
  t.test(`with ${driver}`, async (t) => {
    let files = 0
    // A new database file per case: migrations on an empty file take a few milliseconds.
    storeContract(t, async (t) => {
      const database = await sqliteDatabase(join(folder, `${driver.replace(/\W/g, '-')}-${files++}.db`), { busyTimeoutMs: 5000, driver })
      const { store } = await openSqlStore(database, { database: 'auth', timeoutMs: 5000 })
      t.teardown(() => store.close())
      return store
    })
  })
}

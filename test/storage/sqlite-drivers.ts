import { createRequire } from 'node:module'
import { defaultSqliteDriver, type SqliteDriverName } from '../../services/storage/sql/sqlite-driver.js'

/**
 * The SQLite drivers this Node.js runs: node:sqlite where it has it, and better-sqlite3 where its
 * native module loads (it is built for the Node.js that ran npm install: CI's second run on
 * Node.js 24 uses node_modules built for the machine's Node.js, so there only node:sqlite runs).
 */
export async function sqliteDrivers (): Promise<SqliteDriverName[]> {
  const drivers: SqliteDriverName[] = defaultSqliteDriver() === 'node:sqlite' ? ['node:sqlite'] : []
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { close (): void }
    new Database(':memory:').close()
    drivers.push('better-sqlite3')
  } catch {
    // Without node:sqlite, better-sqlite3 is the driver: its failure fails the tests that use it.
    if (drivers.length === 0) drivers.push('better-sqlite3')
  }
  return drivers
}

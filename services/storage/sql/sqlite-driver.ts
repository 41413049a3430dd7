import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type { SqliteDatabase, SqliteStatement } from 'kysely'
import { SQLITE_MEMORY } from '../url.js'

/*
 * The SQLite seam: node:sqlite (DatabaseSync) where the running Node.js has all of it (22.16+,
 * 24), else better-sqlite3, loaded only then (Node.js 20). Both sit behind the database shape
 * Kysely's SqliteDialect drives; the differences stay in this file.
 */

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3'

export interface SqliteOptions {
  /** How long a write waits for another process's write lock before SQLITE_BUSY (busy_timeout). */
  busyTimeoutMs: number
  /** Which driver; by default node:sqlite when the running Node.js has it. */
  driver?: SqliteDriverName
}

export interface OpenedSqlite {
  database: SqliteDatabase
  driver: SqliteDriverName
}

/** The part of either driver's statement this file uses. */
interface RawStatement {
  all (...values: unknown[]): unknown[]
  run (...values: unknown[]): { changes: number | bigint, lastInsertRowid: number | bigint }
  iterate (...values: unknown[]): IterableIterator<unknown>
}
interface RawDatabase { prepare (sql: string): RawStatement, exec (sql: string): unknown, close (): void }
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => RawDatabase & { prepare (sql: string): RawStatement & { columns (): unknown[] } }
  StatementSync: { prototype: object }
}
type BetterSqlite3 = new (path: string) => RawDatabase & { prepare (sql: string): RawStatement & { reader: boolean } }

const require = createRequire(import.meta.url)
/** Prepared statements kept per connection, by SQL text (Kysely prepares on every query otherwise). */
const STATEMENT_CACHE_SIZE = 200

/**
 * Opens (creating the file and its folder on first use) a SQLite database set up for the store:
 * WAL (readers never wait for the writer), synchronous=NORMAL (in WAL mode a power failure may roll
 * back the transactions committed since the last checkpoint, but never corrupts the file; a
 * process crash loses nothing), foreign keys on, and a busy timeout for writers of other processes.
 */
export async function openSqlite (path: string, { busyTimeoutMs, driver = defaultSqliteDriver() }: SqliteOptions): Promise<OpenedSqlite> {
  if (path !== SQLITE_MEMORY) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const raw = driver === 'node:sqlite' ? openNodeSqlite(path) : await openBetterSqlite3(path)
  try {
    raw.db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`)
    raw.db.exec('PRAGMA journal_mode = WAL')
    raw.db.exec('PRAGMA synchronous = NORMAL')
    raw.db.exec('PRAGMA foreign_keys = ON')
  } catch (error) {
    raw.db.close()
    throw error
  }
  return { database: kyselyDatabase(raw.db, raw.isReader), driver }
}

/** node:sqlite when this Node.js has it with StatementSync#columns (22.16+, 24); better-sqlite3 otherwise. */
export function defaultSqliteDriver (): SqliteDriverName {
  return loadNodeSqlite() === undefined ? 'better-sqlite3' : 'node:sqlite'
}

let nodeSqlite: NodeSqliteModule | null | undefined
/** Loads node:sqlite once, without the ExperimentalWarning it prints on load. */
function loadNodeSqlite (): NodeSqliteModule | undefined {
  if (nodeSqlite === undefined) {
    try {
      const module = withoutSqliteWarning(() => require('node:sqlite') as NodeSqliteModule)
      nodeSqlite = 'columns' in module.StatementSync.prototype ? module : null
    } catch {
      nodeSqlite = null // Node.js 20, or 22 before 22.13 without --experimental-sqlite
    }
  }
  return nodeSqlite ?? undefined
}

/** Runs `load` with node:sqlite's "SQLite is an experimental feature" warning silenced; every other warning passes. */
export function withoutSqliteWarning<T> (load: () => T): T {
  const emitWarning = process.emitWarning
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type
    const message = typeof warning === 'string' ? warning : warning.message
    if (type === 'ExperimentalWarning' && message.startsWith('SQLite is an experimental feature')) return
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest)
  } as typeof process.emitWarning
  try {
    return load()
  } finally {
    process.emitWarning = emitWarning
  }
}

function openNodeSqlite (path: string) {
  const module = loadNodeSqlite()
  if (module === undefined) throw new Error(`node:sqlite is not available on Node.js ${process.version} (22.16+ has it)`)
  const db = new module.DatabaseSync(path)
  return { db, isReader: (statement: RawStatement) => (statement as ReturnType<typeof db.prepare>).columns().length > 0 }
}

async function openBetterSqlite3 (path: string) {
  let Database: BetterSqlite3
  try {
    Database = (await import('better-sqlite3')).default as unknown as BetterSqlite3
  } catch (error) {
    throw new Error(`SQLite storage on Node.js ${process.version} needs the better-sqlite3 package (npm install better-sqlite3), or Node.js 22.16+`, { cause: error })
  }
  const db = new Database(path)
  return { db, isReader: (statement: RawStatement) => (statement as ReturnType<typeof db.prepare>).reader }
}

/** Kysely's SqliteDatabase over either driver: values bound positionally, Dates as epoch milliseconds. */
function kyselyDatabase (db: RawDatabase, isReader: (statement: RawStatement) => boolean): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  const prepare = (sql: string): SqliteStatement => {
    const raw = db.prepare(sql)
    return {
      reader: isReader(raw),
      all: (values) => raw.all(...values.map(toSqliteValue)),
      run: (values) => raw.run(...values.map(toSqliteValue)),
      iterate: (values) => raw.iterate(...values.map(toSqliteValue))
    }
  }
  return {
    prepare (sql) {
      let statement = cache.get(sql)
      if (statement === undefined) {
        statement = prepare(sql)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
        cache.set(sql, statement)
      }
      return statement
    },
    close: () => {
      cache.clear()
      db.close()
    }
  }
}

/** Neither driver binds a Date or a boolean: times are stored as epoch milliseconds (INTEGER columns). */
export function toSqliteValue (value: unknown): unknown {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

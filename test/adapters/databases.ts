import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import mysql from 'mysql2/promise'
import pg from 'pg'
import type { Test } from 'tap'
import { openSqlite } from '../../services/storage/sql/sqlite-driver.js'
import { freshDatabaseName, freshMongoDatabase, freshMysqlDatabase, freshPostgresDatabase, withDatabaseServer, type FreshDatabase } from '../storage/databases.js'

export type AdapterKind = 'sqlite' | 'mysql' | 'postgres' | 'mongodb'

/** Every table (or collection) of a database: its name -> all its records. */
export type DatabaseDump = Record<string, Array<Record<string, unknown>>>

export interface AdapterDatabase extends FreshDatabase {
  kind: AdapterKind
  /** The server's own URL (MYSQL_URL / POSTGRES_URL / MONGODB_URL); '' for SQLite, a file. */
  serverUrl: string
  /** Reads every record of the database, raw, as the server holds it. */
  dump (): Promise<DatabaseDump>
}

const SERVERS = [
  { kind: 'mysql', variable: 'MYSQL_URL', fresh: freshMysqlDatabase, dumper: (fresh: FreshDatabase) => () => dumpMysql(fresh.url) },
  { kind: 'postgres', variable: 'POSTGRES_URL', fresh: freshPostgresDatabase, dumper: (fresh: FreshDatabase) => () => dumpPostgres(fresh.url) },
  { kind: 'mongodb', variable: 'MONGODB_URL', fresh: freshMongoDatabase, dumper: (fresh: FreshDatabase) => () => dumpMongo(fresh.url, fresh.name) }
] as const

/**
 * Runs `body` for each adapter, each on a fresh database of its server (see withDatabaseServer),
 * and on a fresh SQLite file unless `networked` (a test of the network path between app and server).
 */
export function forEachAdapter (t: Test, body: (t: Test, database: AdapterDatabase) => Promise<void>, { networked = false } = {}): void {
  if (!networked) {
    t.test('with SQLite', async (t) => {
      const folder = mkdtempSync(join(tmpdir(), 'auth-sqlite-'))
      t.teardown(() => rmSync(folder, { recursive: true, force: true }))
      const path = join(folder, 'auth.db')
      await body(t, { kind: 'sqlite', serverUrl: '', name: freshDatabaseName(), url: `sqlite://${path}`, dump: () => dumpSqlite(path) })
    })
  }
  for (const { kind, variable, fresh, dumper } of SERVERS) {
    withDatabaseServer(t, variable, async (t, serverUrl) => {
      const database = await fresh(t, serverUrl)
      await body(t, { kind, serverUrl, ...database, dump: dumper(database) })
    })
  }
}

async function dumpMysql (url: string): Promise<DatabaseDump> {
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z' })
  try {
    const [tables] = await connection.query<mysql.RowDataPacket[]>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')
    const dump: DatabaseDump = {}
    for (const { name } of tables) {
      const [rows] = await connection.query<mysql.RowDataPacket[]>(`SELECT * FROM ${mysql.escapeId(String(name))}`)
      dump[String(name)] = rows
    }
    return dump
  } finally {
    await connection.end()
  }
}

async function dumpMongo (url: string, database: string): Promise<DatabaseDump> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 })
  try {
    const db = client.db(database)
    const dump: DatabaseDump = {}
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      dump[name] = await db.collection(name).find({}).toArray()
    }
    return dump
  } finally {
    await client.close()
  }
}

async function dumpPostgres (url: string): Promise<DatabaseDump> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows: tables } = await client.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = \'public\'')
    const dump: DatabaseDump = {}
    for (const { name } of tables) dump[name] = (await client.query(`SELECT * FROM ${pg.escapeIdentifier(name)}`)).rows
    return dump
  } finally {
    await client.end()
  }
}

async function dumpSqlite (path: string): Promise<DatabaseDump> {
  const { database } = await openSqlite(path, { busyTimeoutMs: 5000 })
  try {
    const tables = database.prepare('SELECT name FROM sqlite_master WHERE type = \'table\'').all([]) as Array<{ name: string }>
    const dump: DatabaseDump = {}
    for (const { name } of tables) dump[name] = database.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all([]) as Array<Record<string, unknown>>
    return dump
  } finally {
    database.close()
  }
}

import { MongoClient } from 'mongodb'
import mysql from 'mysql2/promise'
import type { Test } from 'tap'
import { freshMongoDatabase, freshMysqlDatabase, withDatabaseServer, type FreshDatabase } from '../storage/databases.js'

export type AdapterKind = 'mysql' | 'mongodb'

/** Every table (or collection) of a database: its name -> all its records. */
export type DatabaseDump = Record<string, Array<Record<string, unknown>>>

export interface AdapterDatabase extends FreshDatabase {
  kind: AdapterKind
  /** The server's own URL (MYSQL_URL / MONGODB_URL). */
  serverUrl: string
  /** Reads every record of the database, raw, as the server holds it. */
  dump (): Promise<DatabaseDump>
}

const SERVERS = [
  { kind: 'mysql', variable: 'MYSQL_URL' },
  { kind: 'mongodb', variable: 'MONGODB_URL' }
] as const

/** Runs `body` for each adapter, each on a fresh database of its server (see withDatabaseServer). */
export function forEachAdapter (t: Test, body: (t: Test, database: AdapterDatabase) => Promise<void>): void {
  for (const { kind, variable } of SERVERS) {
    withDatabaseServer(t, variable, async (t, serverUrl) => {
      const fresh = kind === 'mysql' ? await freshMysqlDatabase(t, serverUrl) : await freshMongoDatabase(t, serverUrl)
      const dump = kind === 'mysql' ? () => dumpMysql(fresh.url) : () => dumpMongo(fresh.url, fresh.name)
      await body(t, { kind, serverUrl, ...fresh, dump })
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

import { randomBytes } from 'node:crypto'
import { MongoClient } from 'mongodb'
import mysql from 'mysql2/promise'
import pg from 'pg'
import type { Test } from 'tap'

/** Where the database tests find their servers (.ci/services.sh exports them). */
export type DatabaseVariable = 'MYSQL_URL' | 'MONGODB_URL' | 'REDIS_URL' | 'POSTGRES_URL'

export interface FreshDatabase {
  /** auth_test_<pid>_<random>: made for this run, dropped at its end. */
  name: string
  /** The server URL with this database as its path: a STORAGE_URL. */
  url: string
}

/** CI is set to anything but empty, "false" or "0". */
export function inCi (): boolean {
  const ci = process.env.CI
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0'
}

/**
 * Runs `body` in a subtest when `variable` holds a server URL. When it is unset the tests cannot
 * run: that fails under CI (a missing server there is a broken pipeline) and is a skip, with the
 * reason, on a developer's machine.
 */
export function withDatabaseServer (t: Test, variable: DatabaseVariable, body: (t: Test, serverUrl: string) => Promise<void> | void): void {
  const serverUrl = process.env[variable]
  if (serverUrl !== undefined && serverUrl !== '') {
    t.test(`with ${variable}`, (t) => body(t, serverUrl))
  } else if (inCi()) {
    t.fail(`${variable} is not set: CI must run these tests against a real server (.ci/services.sh exports it)`)
  } else {
    t.test(`with ${variable}`, { skip: `${variable} is not set (source .ci/services.sh to start the databases)` }, () => {})
  }
}

export function freshDatabaseName (): string {
  return `auth_test_${process.pid}_${randomBytes(4).toString('hex')}`
}

/** The same server URL with another database as its path. */
export function databaseUrl (serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.href
}

/** Creates an empty MySQL/MariaDB database; drops it when `t` ends. */
export async function freshMysqlDatabase (t: Test, serverUrl: string): Promise<FreshDatabase> {
  const name = freshDatabaseName()
  const admin = async (sql: string) => {
    const connection = await mysql.createConnection({ uri: serverUrl })
    try {
      await connection.query(sql)
    } finally {
      await connection.end()
    }
  }
  await admin(`CREATE DATABASE ${mysql.escapeId(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  t.teardown(() => admin(`DROP DATABASE IF EXISTS ${mysql.escapeId(name)}`))
  return { name, url: databaseUrl(serverUrl, name) }
}

/** Names an empty MongoDB database (created on first write); drops it when `t` ends. */
export async function freshMongoDatabase (t: Test, serverUrl: string): Promise<FreshDatabase> {
  const name = freshDatabaseName()
  t.teardown(async () => {
    const client = new MongoClient(serverUrl, { serverSelectionTimeoutMS: 5000 })
    try {
      await client.db(name).dropDatabase()
    } finally {
      await client.close()
    }
  })
  return { name, url: databaseUrl(serverUrl, name) }
}

/** Creates an empty PostgreSQL database; drops it when `t` ends (closing what still uses it). */
export async function freshPostgresDatabase (t: Test, serverUrl: string): Promise<FreshDatabase> {
  const name = freshDatabaseName()
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
  t.teardown(() => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`))
  return { name, url: databaseUrl(serverUrl, name) }
}

// @ts-check
/**
 * Fresh databases for the SQLite, MySQL, PostgreSQL and MongoDB runs: a new name for every server
 * of every run (bench_<run id>_<label>), dropped when the scenario ends. The servers come from
 * MYSQL_URL, POSTGRES_URL and MONGODB_URL (`source .ci/services.sh` starts local ones and exports
 * them); SQLite is embedded, a file in a temporary folder (bench/lib/sqlite.mjs).
 */
import { MongoClient } from 'mongodb'
import mysql from 'mysql2/promise'
import { clonePostgresUsers, freshPostgresDatabase } from './postgres.mjs'
import { cloneSqliteUsers, freshSqliteDatabase } from './sqlite.mjs'

/** @typedef {'mysql' | 'postgres' | 'mongodb'} ServerKind a database with a server of its own */
/** @typedef {ServerKind | 'sqlite'} DatabaseKind */

export const DATABASE_VARIABLES = /** @type {const} */ ({ mysql: 'MYSQL_URL', postgres: 'POSTGRES_URL', mongodb: 'MONGODB_URL' })

/** @param {ServerKind} kind @returns {string | undefined} */
export function serverUrlOf (kind) {
  const value = process.env[DATABASE_VARIABLES[kind]]
  return value === undefined || value === '' ? undefined : value
}

/**
 * Why there is no database of `kind` here, or undefined when there is one (SQLite always).
 * @param {DatabaseKind} kind
 */
export function missingDatabase (kind) {
  if (kind === 'sqlite' || serverUrlOf(kind) !== undefined) return undefined
  return `${DATABASE_VARIABLES[kind]} is not set (source .ci/services.sh)`
}

/** @param {string} serverUrl @param {string} database */
function withDatabase (serverUrl, database) {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.href
}

/**
 * @param {DatabaseKind} kind
 * @param {string} name letters, digits and _
 * @returns {Promise<{ url: string, drop: () => Promise<void> }>}
 */
export async function freshDatabase (kind, name) {
  if (kind === 'sqlite') return freshSqliteDatabase(name)
  const serverUrl = serverUrlOf(kind)
  if (serverUrl === undefined) throw new Error(/** @type {string} */ (missingDatabase(kind)))
  if (kind === 'postgres') return freshPostgresDatabase(serverUrl, name)
  if (kind === 'mysql') {
    const admin = async (/** @type {string} */ sql) => {
      const connection = await mysql.createConnection({ uri: serverUrl })
      try {
        await connection.query(sql)
      } finally {
        await connection.end()
      }
    }
    await admin(`CREATE DATABASE ${mysql.escapeId(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
    return { url: withDatabase(serverUrl, name), drop: () => admin(`DROP DATABASE IF EXISTS ${mysql.escapeId(name)}`) }
  }
  return {
    url: withDatabase(serverUrl, name),
    async drop () {
      const client = new MongoClient(serverUrl, { serverSelectionTimeoutMS: 5000 })
      try {
        await client.db(name).dropDatabase()
      } finally {
        await client.close()
      }
    }
  }
}

/** Rows per INSERT / insertMany. */
const BATCH = 1000

/**
 * Copies of the user row the adapter itself wrote for `template` (registered through the real
 * service), with a new id and username u<from>…u<to-1> in every field that held the template's
 * id or username: the same hash, roles and timestamps, bulk-inserted because 100,000 single
 * inserts through the store take minutes. Returns false when no such row is found (the caller
 * then seeds through the store, slowly).
 * @param {DatabaseKind} kind
 * @param {string} url the server's STORAGE_URL
 * @param {{ id: string, username: string }} template
 * @param {(i: number) => { id: string, username: string }} makeUser
 * @param {number} from
 * @param {number} to
 */
export async function cloneUsers (kind, url, template, makeUser, from, to) {
  const copy = (/** @type {Record<string, unknown>} */ row, /** @type {number} */ i) => {
    const user = makeUser(i)
    return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === template.id ? user.id : value === template.username ? user.username : value]))
  }
  if (kind === 'sqlite') return cloneSqliteUsers(url, template.id, copy, from, to)
  if (kind === 'postgres') return clonePostgresUsers(url, template.id, copy, from, to)
  if (kind === 'mysql') {
    const connection = await mysql.createConnection({ uri: url, timezone: 'Z', dateStrings: false })
    try {
      const [rows] = /** @type {[Record<string, unknown>[], unknown]} */ (/** @type {unknown} */ (await connection.query('SELECT * FROM users')))
      const row = rows.find((candidate) => Object.values(candidate).includes(template.id))
      if (row === undefined) return false
      const columns = Object.keys(row)
      for (let start = from; start < to; start += BATCH) {
        const values = []
        for (let i = start; i < Math.min(to, start + BATCH); i++) values.push(Object.values(copy(row, i)))
        await connection.query('INSERT INTO users (??) VALUES ?', [columns, values])
      }
      return true
    } finally {
      await connection.end()
    }
  }
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 })
  try {
    const users = client.db().collection('users')
    const doc = await users.findOne({ _id: /** @type {any} */ (template.id) })
    if (doc === null) return false
    for (let start = from; start < to; start += BATCH) {
      const docs = []
      for (let i = start; i < Math.min(to, start + BATCH); i++) docs.push(copy(doc, i))
      await users.insertMany(docs, { ordered: false })
    }
    return true
  } finally {
    await client.close()
  }
}

// @ts-check
/**
 * SQLite for the benchmark: a fresh database file per server (in a temporary folder, removed at
 * the end), and the bulk copy of a user row into it, from the benchmark process while the server
 * has the file open (WAL: the server's readers never wait; the copy takes the write lock between
 * its requests). Driver: better-sqlite3 where its native module loads, else node:sqlite.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

/**
 * The part of either driver this file uses.
 * @typedef {{ all: (...values: unknown[]) => unknown[], run: (...values: unknown[]) => unknown }} Statement
 * @typedef {{ prepare: (sql: string) => Statement, exec: (sql: string) => unknown, close: () => void }} Database
 */

/** @param {string} path @returns {Database} */
function open (path) {
  try {
    const BetterSqlite3 = /** @type {new (path: string) => Database} */ (require('better-sqlite3'))
    return new BetterSqlite3(path)
  } catch {
    const { DatabaseSync } = /** @type {{ DatabaseSync: new (path: string) => Database }} */ (require('node:sqlite'))
    return new DatabaseSync(path)
  }
}

/** The SQLite file behind a sqlite:// STORAGE_URL. @param {string} url */
function pathOf (url) {
  return decodeURIComponent(url.slice('sqlite://'.length))
}

/**
 * A new file path in a new temporary folder; the server creates the file on start.
 * @param {string} name letters, digits and _
 * @returns {Promise<{ url: string, drop: () => Promise<void> }>}
 */
export async function freshSqliteDatabase (name) {
  const folder = await mkdtemp(join(tmpdir(), 'bench-sqlite-'))
  return { url: `sqlite://${join(folder, `${name}.db`)}`, drop: () => rm(folder, { recursive: true, force: true }) }
}

/** Rows per transaction: one commit per batch. */
const BATCH = 10_000

/**
 * Copies of the users row holding `templateId`, made by `copy(row, i)` for i in [from, to).
 * @param {string} url @param {string} templateId
 * @param {(row: Record<string, unknown>, i: number) => Record<string, unknown>} copy
 * @param {number} from @param {number} to
 */
export async function cloneSqliteUsers (url, templateId, copy, from, to) {
  const db = open(pathOf(url))
  try {
    db.exec('PRAGMA busy_timeout = 10000')
    const row = /** @type {Record<string, unknown> | undefined} */ (db.prepare('SELECT * FROM users WHERE id = ?').all(templateId)[0])
    if (row === undefined) return false
    const columns = Object.keys(row)
    const insert = db.prepare(`INSERT INTO users (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    for (let start = from; start < to; start += BATCH) {
      db.exec('BEGIN IMMEDIATE')
      try {
        for (let i = start; i < Math.min(to, start + BATCH); i++) {
          const user = copy(row, i)
          insert.run(...columns.map((column) => user[column]))
        }
        db.exec('COMMIT')
      } catch (error) {
        db.exec('ROLLBACK')
        throw error
      }
    }
    return true
  } finally {
    db.close()
  }
}

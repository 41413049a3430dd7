import { sql } from 'kysely'
import { inTransaction, type SqlDialect } from './dialect.js'

/**
 * SQLite 3.35+ through sql/sqlite-driver.ts. One connection per process (Kysely queues the
 * queries on it); the write transactions of several processes queue on the database's write
 * lock for up to busy_timeout. Times are INTEGER epoch milliseconds; text compares byte for byte
 * (BINARY collation).
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  begin: 'BEGIN IMMEDIATE',
  rowLocks: false,
  updateReturning: true,
  transactionalDdl: false,
  keepExisting: (key) => sql`on conflict (${sql.ref(key)}) do nothing`,
  replaceExisting: (key, columns) => sql`on conflict (${sql.ref(key)}) do update set ${sql.join(columns.map((column) => sql`${sql.ref(column)} = ${sql.ref(`excluded.${column}`)}`))}`,
  keepGreater: (table, key, column) =>
    sql`on conflict (${sql.ref(key)}) do update set ${sql.ref(column)} = max(${sql.ref(`${table}.${column}`)}, ${sql.ref(`excluded.${column}`)})`,
  // LIKE ignores ASCII case on SQLite; GLOB does not. Each GLOB wildcard goes in brackets to match itself.
  startsWith: (column, prefix) => sql<boolean>`${sql.ref(column)} glob ${`${prefix.replace(/[*?[]/g, (character) => `[${character}]`)}*`}`,
  // The database's write lock, taken at BEGIN IMMEDIATE, orders the writers (other processes wait up to busy_timeout).
  numberInOrder: (connection, _waitMs, work) => inTransaction(connection, 'BEGIN IMMEDIATE', work),
  // The write lock for the whole run: DDL is transactional on SQLite.
  withMigrationLock: (connection, _name, work) => inTransaction(connection, 'BEGIN IMMEDIATE', work),
  isUniqueViolation: (error) => /^CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(sqliteCode(error) ?? ''),
  isOutage: (error) => /^(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|NOMEM|PROTOCOL)/.test(sqliteCode(error) ?? '')
}

/** Extended result codes the store tells apart, by number (node:sqlite gives only the number). */
const EXTENDED_CODES = new Map([[2067, 'CONSTRAINT_UNIQUE'], [1555, 'CONSTRAINT_PRIMARYKEY']])
const PRIMARY_CODES = new Map([[5, 'BUSY'], [6, 'LOCKED'], [7, 'NOMEM'], [8, 'READONLY'], [10, 'IOERR'], [13, 'FULL'], [14, 'CANTOPEN'], [15, 'PROTOCOL'], [19, 'CONSTRAINT']])

/**
 * The SQLite result code name without its SQLITE_ prefix ("CONSTRAINT_UNIQUE", "BUSY_SNAPSHOT"):
 * better-sqlite3 names it in `code`; node:sqlite gives `errcode`, the extended number.
 */
export function sqliteCode (error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const { code, errcode } = error as { code?: unknown, errcode?: unknown }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code.slice('SQLITE_'.length)
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return EXTENDED_CODES.get(errcode) ?? PRIMARY_CODES.get(errcode & 0xff)
  return undefined
}

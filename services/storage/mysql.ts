import type { Pool } from 'mysql2/promise'
import { DuplicateUserError } from '../errors.js'
import { ER_DUP_ENTRY, isServerError } from './mysql-errors.js'
import { mysqlAccounts } from './mysql-accounts.js'
import { mysqlAudit } from './mysql-audit.js'
import { mysqlLoginFailures, pruneLoginFailures } from './mysql-login-failures.js'
import { mysqlRevocations } from './mysql-revocations.js'
import { createMysqlRunner, type Sql, type SqlValue } from './mysql-runner.js'
import { SESSION_COLUMNS, toSession, toUser, USER_COLUMNS, type SessionRow, type UserRow } from './mysql-rows.js'
import type { Store } from './types.js'

export interface MysqlStoreOptions {
  /** Time budget of one operation (STORAGE_TIMEOUT_MS), connection wait included. */
  timeoutMs: number
}

/**
 * The store over a mysql2 promise pool (`fastify.mysql.pool` from @fastify/mysql with
 * `promise: true`). The pool must use `timezone: 'Z'`: every DATETIME(3) column holds UTC.
 * The tables come from mysql-schema.ts; run migrateMysql before serving. The pool belongs to
 * whoever made it: close() leaves it open.
 */
export function createMysqlStore (pool: Pool, { timeoutMs }: MysqlStoreOptions): Store {
  assertUtcPool(pool)
  const db = createMysqlRunner(pool, timeoutMs)

  const findUser = (column: 'id' | 'username_normalized', value: string) => db.run(async (sql) => {
    const [row] = await sql.select<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE ${column} = ?`, [value])
    return row === undefined ? null : toUser(row)
  })

  return {
    kind: 'mysql',

    createUser: (user) => db.run(async (sql) => {
      try {
        await sql.change(
          `INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [user.id, user.username, user.usernameNormalized, user.email, user.passwordHash, JSON.stringify(user.roles), user.createdAt, user.disabledAt])
      } catch (error) {
        // The unique key on username_normalized decides races: no check-then-insert.
        if (isServerError(error) && error.errno === ER_DUP_ENTRY) throw new DuplicateUserError()
        throw error
      }
    }),

    findUserById: (id) => findUser('id', id),
    findUserByUsername: (usernameNormalized) => findUser('username_normalized', usernameNormalized),
    ...mysqlAccounts(db),

    createSession: (session) => db.transaction(async (sql) => {
      await sql.change(
        'INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [session.id, session.userId, session.createdAt, session.lastUsedAt, session.expiresAt, session.userAgent, session.ip])
      await sql.change('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)',
        [session.refreshHash, session.id, session.createdAt])
    }),

    findRefreshToken: (hash) => db.run(async (sql) => {
      const [row] = await sql.select<SessionRow & { rotated_at: Date | null }>(
        `SELECT ${SESSION_COLUMNS}, t.rotated_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = ?`, [hash])
      return row === undefined ? null : { session: toSession(row), rotatedAt: row.rotated_at }
    }),

    rotateRefreshToken: ({ sessionId, currentHash, nextHash, now, expiresAt, keepRotated }) => db.transaction(async (sql) => {
      // Lock the session row first: rotations and revocations of one session queue on it, always
      // in the order session then token, so they cannot deadlock; a revoked session stops here.
      const [session] = await sql.select<{ revoked_at: Date | null }>('SELECT revoked_at FROM sessions WHERE id = ? FOR UPDATE', [sessionId])
      if (session === undefined || session.revoked_at !== null) return false
      // Exactly one caller turns rotated_at from NULL: the others see 0 affected rows.
      const retired = await sql.change(
        'UPDATE refresh_tokens SET rotated_at = ? WHERE hash = ? AND session_id = ? AND rotated_at IS NULL',
        [now, currentHash, sessionId])
      if (retired !== 1) return false
      await sql.change('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)', [nextHash, sessionId, now])
      await sql.change('UPDATE sessions SET last_used_at = ?, expires_at = ? WHERE id = ?', [now, expiresAt, sessionId])
      await forgetOldTokens(sql, sessionId, keepRotated)
      return true
    }),

    revokeSession: (sessionId, now) => db.run(async (sql) =>
      await sql.change('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, sessionId]) === 1),

    revokeUserSessions: (userId, now, exceptSessionId) => db.transaction(async (sql) => {
      const except = exceptSessionId === undefined ? '' : ' AND id <> ?'
      const filter: SqlValue[] = exceptSessionId === undefined ? [userId] : [userId, exceptSessionId]
      // The locking read holds these rows (and the gap for new ones) until the UPDATE commits.
      const rows = await sql.select<{ id: string }>(`SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL${except} FOR UPDATE`, filter)
      if (rows.length > 0) await sql.change(`UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL${except}`, [now, ...filter])
      return rows.map((row) => row.id)
    }),

    findSession: (sessionId) => db.run(async (sql) => {
      const [row] = await sql.select<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = ?`, [sessionId])
      return row === undefined ? null : toSession(row)
    }),

    listUserSessions: (userId, now) => db.run(async (sql) => {
      const rows = await sql.select<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ? ORDER BY s.created_at, s.id`,
        [userId, now])
      return rows.map(toSession)
    }),

    ...mysqlRevocations(db, timeoutMs),
    ...mysqlLoginFailures(db),
    ...mysqlAudit(db),

    pruneExpired: (now) => db.run(async (sql) => {
      const tokens = await sql.change('DELETE t FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE s.expires_at <= ?', [now])
      const sessions = await sql.change('DELETE FROM sessions WHERE expires_at <= ?', [now])
      const revocations = await sql.change('DELETE FROM revocations WHERE expires_at <= ?', [now])
      return tokens + sessions + revocations + await pruneLoginFailures(sql, now)
    }),

    ping: () => db.run(async (sql) => { await sql.select('SELECT 1') }),
    close: async () => {}
  }
}

/** Deletes the session's rotated tokens older than the `keepRotated` newest (ordered by rotated_at, then hash). */
async function forgetOldTokens (sql: Sql, sessionId: string, keepRotated: number): Promise<void> {
  // The offset is an integer written into the text: MySQL 8 refuses a placeholder there in prepared statements.
  const [newestForgotten] = await sql.select<{ rotated_at: Date, hash: string }>(
    `SELECT rotated_at, hash FROM refresh_tokens WHERE session_id = ? AND rotated_at IS NOT NULL ORDER BY rotated_at DESC, hash DESC LIMIT 1 OFFSET ${Math.max(0, Math.floor(keepRotated))}`,
    [sessionId])
  if (newestForgotten === undefined) return
  await sql.change(
    'DELETE FROM refresh_tokens WHERE session_id = ? AND rotated_at IS NOT NULL AND (rotated_at < ? OR (rotated_at = ? AND hash <= ?))',
    [sessionId, newestForgotten.rotated_at, newestForgotten.rotated_at, newestForgotten.hash])
}

/** mysql2 keeps its options here; a pool in local time would shift every stored date. */
function assertUtcPool (pool: Pool): void {
  const config = (pool as unknown as { pool?: { config?: { connectionConfig?: { timezone?: string, dateStrings?: unknown } } } })
    .pool?.config?.connectionConfig
  if (config === undefined) return
  if (config.timezone !== 'Z' && config.timezone !== '+00:00') throw new Error('createMysqlStore: the pool must be created with timezone: \'Z\'')
  if (config.dateStrings !== undefined && config.dateStrings !== false) throw new Error('createMysqlStore: the pool must return dates as Date objects (dateStrings: false)')
}

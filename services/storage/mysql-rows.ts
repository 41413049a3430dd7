import type { SessionRecord, UserRecord } from './types.js'

/** Column order of the users table, shared by SELECT and INSERT. */
export const USER_COLUMNS = 'id, username, username_normalized, email, password_hash, roles, created_at, disabled_at'
/** Session columns, selected through the alias `s`. */
export const SESSION_COLUMNS = 's.id, s.user_id, s.created_at, s.last_used_at, s.expires_at, s.revoked_at, s.user_agent, s.ip'

export interface UserRow {
  id: string
  username: string
  username_normalized: string
  email: string | null
  password_hash: string
  /** JSON array (TEXT column, see mysql-schema.ts). */
  roles: string
  created_at: Date
  disabled_at: Date | null
}

export interface SessionRow {
  id: string
  user_id: string
  created_at: Date
  last_used_at: Date
  expires_at: Date
  revoked_at: Date | null
  user_agent: string | null
  ip: string | null
}

export function toUser (row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    usernameNormalized: row.username_normalized,
    email: row.email,
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as string[],
    createdAt: row.created_at,
    disabledAt: row.disabled_at
  }
}

export function toSession (row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    userAgent: row.user_agent,
    ip: row.ip
  }
}

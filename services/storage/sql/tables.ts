import type { ColumnType, Generated } from 'kysely'
import type { SessionRecord, UserRecord } from '../types.js'

/*
 * The tables of the SQL store as Kysely sees them (the DDL is in schema-*.ts), and the mapping
 * from rows to the contract's records.
 */

/** A time: a Date goes in; MySQL and PostgreSQL give a Date back, SQLite epoch milliseconds. */
export type Timestamp = ColumnType<Date | number, Date, Date>
export type NullableTimestamp = ColumnType<Date | number | null, Date | null, Date | null>

export interface UsersTable {
  id: string
  username: string
  username_normalized: string
  email: string | null
  email_verified_at: NullableTimestamp
  password_hash: string
  /** JSON array in a text column (MariaDB's JSON is text anyway; one format on every dialect). */
  roles: string
  created_at: Timestamp
  disabled_at: NullableTimestamp
}

export interface SessionsTable {
  id: string
  user_id: string
  created_at: Timestamp
  last_used_at: Timestamp
  expires_at: Timestamp
  revoked_at: NullableTimestamp
  user_agent: string | null
  ip: string | null
  /** JSON array in a text column, like roles; defaults to ["pwd"] (sessions from before migration 5). */
  amr: ColumnType<string, string | undefined, string>
}

export interface RefreshTokensTable { hash: string, session_id: string, created_at: Timestamp, rotated_at: NullableTimestamp }
/** seq: the log's order (sql/revocations.ts); a bigint, which pg returns as a string. */
export interface RevocationsTable { seq: Generated<number | string>, session_id: string, user_id: string, revoked_at: Timestamp, expires_at: Timestamp }
export interface LoginFailureKeysTable { key_hash: string, expires_at: Timestamp }
export interface LoginFailuresTable { id: Generated<number>, key_hash: string, failed_at: Timestamp, expires_at: Timestamp }
export interface AuditEventsTable { id: string, at: Timestamp, event: string, user_id: string | null, data: string }
export interface OneTimeTokensTable {
  hash: string
  purpose: string
  user_id: string | null
  code_hash: string | null
  data: string | null
  created_at: Timestamp
  expires_at: Timestamp
  failed_attempts: number
}
/** last_used_step: a bigint, which pg returns as a string. */
export interface TotpFactorsTable { user_id: string, secret: string, created_at: Timestamp, confirmed_at: NullableTimestamp, last_used_step: ColumnType<number | string, number, number> }
export interface RecoveryCodesTable { user_id: string, code_hash: string, created_at: Timestamp }
export interface PasskeysTable {
  id: string
  user_id: string
  public_key: string
  /** A bigint (pg returns a string). */
  counter: ColumnType<number | string, number, number>
  /** JSON array of strings. */
  transports: string
  /** A boolean on PostgreSQL, 0/1 on MySQL (TINYINT) and SQLite. */
  backed_up: ColumnType<boolean | number, boolean, boolean>
  name: string
  created_at: Timestamp
  last_used_at: NullableTimestamp
}
export interface SchemaMigrationsTable { version: number, name: string, applied_at: Timestamp }

export interface Tables {
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  revocations: RevocationsTable
  login_failure_keys: LoginFailureKeysTable
  login_failures: LoginFailuresTable
  audit_events: AuditEventsTable
  one_time_tokens: OneTimeTokensTable
  totp_factors: TotpFactorsTable
  recovery_codes: RecoveryCodesTable
  passkeys: PasskeysTable
  schema_migrations: SchemaMigrationsTable
}

export const USER_COLUMNS = ['id', 'username', 'username_normalized', 'email', 'email_verified_at', 'password_hash', 'roles', 'created_at', 'disabled_at'] as const
export const SESSION_COLUMNS = ['sessions.id', 'sessions.user_id', 'sessions.created_at', 'sessions.last_used_at', 'sessions.expires_at',
  'sessions.revoked_at', 'sessions.user_agent', 'sessions.ip', 'sessions.amr'] as const

interface UserRow { id: string, username: string, username_normalized: string, email: string | null, email_verified_at: Date | number | null, password_hash: string, roles: string, created_at: Date | number, disabled_at: Date | number | null }
interface SessionRow { id: string, user_id: string, created_at: Date | number, last_used_at: Date | number, expires_at: Date | number, revoked_at: Date | number | null, user_agent: string | null, ip: string | null, amr: string }

export function toDate (value: Date | number | string): Date {
  return value instanceof Date ? value : new Date(typeof value === 'string' ? Number(value) : value)
}

export function toDateOrNull (value: Date | number | string | null): Date | null {
  return value === null ? null : toDate(value)
}

export function toUser (row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    usernameNormalized: row.username_normalized,
    email: row.email,
    emailVerifiedAt: toDateOrNull(row.email_verified_at),
    passwordHash: row.password_hash,
    roles: JSON.parse(row.roles) as string[],
    createdAt: toDate(row.created_at),
    disabledAt: toDateOrNull(row.disabled_at)
  }
}

export function toSession (row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    expiresAt: toDate(row.expires_at),
    revokedAt: toDateOrNull(row.revoked_at),
    amr: JSON.parse(row.amr) as string[],
    userAgent: row.user_agent,
    ip: row.ip
  }
}

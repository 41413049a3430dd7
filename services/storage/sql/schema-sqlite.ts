import type { MigrationStep } from './migrate.js'

/*
 * The SQLite statements of each migration in schema.ts. STRICT tables (SQLite 3.37+): a value of
 * the wrong type is refused, not stored. Times are INTEGER epoch milliseconds; TEXT compares byte
 * for byte (BINARY collation). The whole run of migrations is one transaction.
 */

const V1_TABLES: MigrationStep[] = [
  `CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    username TEXT NOT NULL,
    username_normalized TEXT NOT NULL CONSTRAINT users_username_normalized UNIQUE,
    email TEXT NULL,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NULL,
    user_agent TEXT NULL,
    ip TEXT NULL
  ) STRICT`,
  'CREATE INDEX sessions_user_id ON sessions (user_id, created_at)',
  'CREATE INDEX sessions_expires_at ON sessions (expires_at)',
  `CREATE TABLE refresh_tokens (
    hash TEXT NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    rotated_at INTEGER NULL
  ) STRICT`,
  'CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id)',
  `CREATE TABLE revocations (
    session_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    revoked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT`,
  'CREATE INDEX revocations_revoked_at ON revocations (revoked_at)',
  'CREATE INDEX revocations_expires_at ON revocations (expires_at)'
]

const V2_ACCOUNTS_AND_THROTTLING: MigrationStep[] = [
  'ALTER TABLE users ADD COLUMN disabled_at INTEGER NULL',
  'CREATE TABLE login_failure_keys (key_hash TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT',
  'CREATE INDEX login_failure_keys_expires_at ON login_failure_keys (expires_at)',
  `CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key_hash TEXT NOT NULL,
    failed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT`,
  'CREATE INDEX login_failures_key_hash ON login_failures (key_hash, expires_at)',
  'CREATE INDEX login_failures_expires_at ON login_failures (expires_at)'
]

const V3_AUDIT_EVENTS: MigrationStep[] = [
  'CREATE TABLE audit_events (id TEXT NOT NULL PRIMARY KEY, at INTEGER NOT NULL, event TEXT NOT NULL, user_id TEXT NULL, data TEXT NOT NULL) STRICT',
  'CREATE INDEX audit_events_user_id ON audit_events (user_id, id)'
]

/**
 * The revocation log's order (sql/revocations.ts). SQLite cannot add a numbering column to a
 * table: the table is rebuilt, its rows numbered in revocation order. AUTOINCREMENT, unlike a
 * plain rowid, never hands out a number again after the newest row is deleted.
 */
const V4_REVOCATION_SEQUENCE: MigrationStep[] = [
  `CREATE TABLE revocations_numbered (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    revoked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT`,
  `INSERT INTO revocations_numbered (session_id, user_id, revoked_at, expires_at)
    SELECT session_id, user_id, revoked_at, expires_at FROM revocations ORDER BY revoked_at, session_id`,
  'DROP TABLE revocations',
  'ALTER TABLE revocations_numbered RENAME TO revocations',
  'CREATE INDEX revocations_expires_at ON revocations (expires_at)'
]

/**
 * Account flows and second factors: emails trimmed and lower-cased (SQLite's lower() folds ASCII
 * only), an address shared by several accounts kept by the oldest only, then unique; amr's
 * default fills the existing sessions.
 */
const V5_ACCOUNT_FLOWS_AND_FACTORS: MigrationStep[] = [
  'ALTER TABLE users ADD COLUMN email_verified_at INTEGER NULL',
  'UPDATE users SET email = NULLIF(lower(trim(email)), \'\') WHERE email IS NOT NULL',
  // The oldest holder (created_at, then id) keeps a shared address; it is never cleared, so the
  // result does not depend on the order in which rows are visited.
  `UPDATE users SET email = NULL WHERE email IS NOT NULL AND EXISTS (SELECT 1 FROM users AS earlier WHERE earlier.email = users.email
    AND (earlier.created_at < users.created_at OR (earlier.created_at = users.created_at AND earlier.id < users.id)))`,
  'CREATE UNIQUE INDEX users_email ON users (email)',
  'ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT \'["pwd"]\'',
  `CREATE TABLE one_time_tokens (
    hash TEXT NOT NULL PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id TEXT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NULL,
    data TEXT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0
  ) STRICT`,
  'CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose, created_at)',
  'CREATE INDEX one_time_tokens_expires_at ON one_time_tokens (expires_at)',
  `CREATE TABLE totp_factors (
    user_id TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER NULL,
    last_used_step INTEGER NOT NULL
  ) STRICT`,
  `CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, code_hash)
  ) STRICT`,
  `CREATE TABLE passkeys (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    backed_up INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NULL
  ) STRICT`,
  'CREATE INDEX passkeys_user_id ON passkeys (user_id, created_at)'
]

export const SQLITE_STEPS = { V1_TABLES, V2_ACCOUNTS_AND_THROTTLING, V3_AUDIT_EVENTS, V4_REVOCATION_SEQUENCE, V5_ACCOUNT_FLOWS_AND_FACTORS }

export function sqliteMigrationsTable (table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`
}

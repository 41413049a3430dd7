import type { MigrationStep } from './migrate.js'

/*
 * The PostgreSQL statements of each migration in schema.ts. Every key and name column is
 * COLLATE "C": exact comparisons in byte order, whatever the database's default collation (the
 * services normalise usernames themselves). Each migration runs in a transaction with its record.
 */

const ID = 'varchar(36) COLLATE "C"'
const SHA256_HEX = 'char(64) COLLATE "C"'
const TIME = 'timestamptz(3)'

const V1_TABLES: MigrationStep[] = [
  `CREATE TABLE users (
    id ${ID} PRIMARY KEY,
    username varchar(255) NOT NULL,
    username_normalized varchar(255) COLLATE "C" NOT NULL CONSTRAINT users_username_normalized UNIQUE,
    email varchar(254) NULL,
    password_hash varchar(255) NOT NULL,
    roles text NOT NULL,
    created_at ${TIME} NOT NULL
  )`,
  `CREATE TABLE sessions (
    id ${ID} PRIMARY KEY,
    user_id ${ID} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at ${TIME} NOT NULL,
    last_used_at ${TIME} NOT NULL,
    expires_at ${TIME} NOT NULL,
    revoked_at ${TIME} NULL,
    user_agent varchar(512) NULL,
    ip varchar(64) NULL
  )`,
  'CREATE INDEX sessions_user_id ON sessions (user_id, created_at)',
  'CREATE INDEX sessions_expires_at ON sessions (expires_at)',
  `CREATE TABLE refresh_tokens (
    hash ${SHA256_HEX} PRIMARY KEY,
    session_id ${ID} NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at ${TIME} NOT NULL,
    rotated_at ${TIME} NULL
  )`,
  'CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id)',
  `CREATE TABLE revocations (
    session_id ${ID} PRIMARY KEY,
    user_id ${ID} NOT NULL,
    revoked_at ${TIME} NOT NULL,
    expires_at ${TIME} NOT NULL
  )`,
  'CREATE INDEX revocations_revoked_at ON revocations (revoked_at)',
  'CREATE INDEX revocations_expires_at ON revocations (expires_at)'
]

const V2_ACCOUNTS_AND_THROTTLING: MigrationStep[] = [
  `ALTER TABLE users ADD COLUMN disabled_at ${TIME} NULL`,
  `CREATE TABLE login_failure_keys (
    key_hash ${SHA256_HEX} PRIMARY KEY,
    expires_at ${TIME} NOT NULL
  )`,
  'CREATE INDEX login_failure_keys_expires_at ON login_failure_keys (expires_at)',
  `CREATE TABLE login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash ${SHA256_HEX} NOT NULL,
    failed_at ${TIME} NOT NULL,
    expires_at ${TIME} NOT NULL
  )`,
  'CREATE INDEX login_failures_key_hash ON login_failures (key_hash, expires_at)',
  'CREATE INDEX login_failures_expires_at ON login_failures (expires_at)'
]

const V3_AUDIT_EVENTS: MigrationStep[] = [
  `CREATE TABLE audit_events (
    id char(26) COLLATE "C" PRIMARY KEY,
    at ${TIME} NOT NULL,
    event varchar(32) NOT NULL,
    user_id ${ID} NULL,
    data text NOT NULL
  )`,
  'CREATE INDEX audit_events_user_id ON audit_events (user_id, id)'
]

/** The revocation log's order (sql/revocations.ts): an identity column numbers the existing rows in place. */
const V4_REVOCATION_SEQUENCE: MigrationStep[] = [
  'ALTER TABLE revocations ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY',
  'CREATE UNIQUE INDEX revocations_seq ON revocations (seq)'
]

export const POSTGRES_STEPS = { V1_TABLES, V2_ACCOUNTS_AND_THROTTLING, V3_AUDIT_EVENTS, V4_REVOCATION_SEQUENCE }

export function postgresMigrationsTable (table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name varchar(255) NOT NULL, applied_at ${TIME} NOT NULL)`
}

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

/**
 * Account flows and second factors: emails trimmed and lower-cased (as the service stores them),
 * an address shared by several accounts kept by the oldest only, then unique; amr's default fills
 * the existing sessions.
 */
const V5_ACCOUNT_FLOWS_AND_FACTORS: MigrationStep[] = [
  `ALTER TABLE users ADD COLUMN email_verified_at ${TIME} NULL`,
  'ALTER TABLE users ALTER COLUMN email TYPE varchar(254) COLLATE "C"',
  'UPDATE users SET email = NULLIF(lower(btrim(email)), \'\') WHERE email IS NOT NULL',
  // The oldest holder (created_at, then id) keeps a shared address; it is never cleared, so the
  // result does not depend on the order in which rows are visited.
  `UPDATE users SET email = NULL WHERE email IS NOT NULL AND EXISTS (SELECT 1 FROM users AS earlier WHERE earlier.email = users.email
    AND (earlier.created_at < users.created_at OR (earlier.created_at = users.created_at AND earlier.id < users.id)))`,
  'CREATE UNIQUE INDEX users_email ON users (email)',
  'ALTER TABLE sessions ADD COLUMN amr text NOT NULL DEFAULT \'["pwd"]\'',
  `CREATE TABLE one_time_tokens (
    hash ${SHA256_HEX} PRIMARY KEY,
    purpose varchar(64) COLLATE "C" NOT NULL,
    user_id ${ID} NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash ${SHA256_HEX} NULL,
    data text NULL,
    created_at ${TIME} NOT NULL,
    expires_at ${TIME} NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0
  )`,
  'CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose, created_at)',
  'CREATE INDEX one_time_tokens_expires_at ON one_time_tokens (expires_at)',
  `CREATE TABLE totp_factors (
    user_id ${ID} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret text NOT NULL,
    created_at ${TIME} NOT NULL,
    confirmed_at ${TIME} NULL,
    last_used_step bigint NOT NULL
  )`,
  `CREATE TABLE recovery_codes (
    user_id ${ID} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash ${SHA256_HEX} NOT NULL,
    created_at ${TIME} NOT NULL,
    PRIMARY KEY (user_id, code_hash)
  )`,
  `CREATE TABLE passkeys (
    id varchar(1400) COLLATE "C" PRIMARY KEY,
    user_id ${ID} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key text NOT NULL,
    counter bigint NOT NULL,
    transports text NOT NULL,
    backed_up boolean NOT NULL,
    name varchar(255) NOT NULL,
    created_at ${TIME} NOT NULL,
    last_used_at ${TIME} NULL
  )`,
  'CREATE INDEX passkeys_user_id ON passkeys (user_id, created_at)'
]

export const POSTGRES_STEPS = { V1_TABLES, V2_ACCOUNTS_AND_THROTTLING, V3_AUDIT_EVENTS, V4_REVOCATION_SEQUENCE, V5_ACCOUNT_FLOWS_AND_FACTORS }

export function postgresMigrationsTable (table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name varchar(255) NOT NULL, applied_at ${TIME} NOT NULL)`
}

import type { MigrationStep } from './migrate.js'

/**
 * The MySQL/MariaDB statements of each migration in schema.ts. Versions 1-3 are the statements of
 * release 1.0 as they were: databases made by it upgrade in place. Never edit a released one.
 *
 * Written for both MySQL 8 and MariaDB 10.11; differences avoided on purpose:
 * - roles is TEXT holding JSON, not JSON: MariaDB's JSON is LONGTEXT (mysql2 returns a string)
 *   while MySQL's is native (mysql2 returns an object).
 * - every table names its collation: the defaults differ (utf8mb4_general_ci on MariaDB,
 *   utf8mb4_0900_ai_ci on MySQL 8). utf8mb4_bin makes lookups exact: the services normalise
 *   usernames themselves, so the database must not fold case a second time.
 * - indexes are declared inside CREATE TABLE: `CREATE INDEX IF NOT EXISTS` and
 *   `ADD COLUMN IF NOT EXISTS` exist on MariaDB only. DDL commits implicitly on both, so a
 *   migration is not atomic: write each step so that running it again is harmless (IF NOT EXISTS,
 *   or a guarded step that is skipped once its change is in place).
 */

export const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
const ID = 'CHAR(36) CHARACTER SET ascii COLLATE ascii_bin'
const SHA256_HEX = 'CHAR(64) CHARACTER SET ascii COLLATE ascii_bin'

const V1_TABLES: MigrationStep[] = [
    `CREATE TABLE IF NOT EXISTS users (
      id ${ID} NOT NULL PRIMARY KEY,
      username VARCHAR(255) NOT NULL,
      username_normalized VARCHAR(255) NOT NULL,
      email VARCHAR(254) NULL,
      password_hash VARCHAR(255) NOT NULL,
      roles TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY users_username_normalized (username_normalized)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS sessions (
      id ${ID} NOT NULL PRIMARY KEY,
      user_id ${ID} NOT NULL,
      created_at DATETIME(3) NOT NULL,
      last_used_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      revoked_at DATETIME(3) NULL,
      user_agent VARCHAR(512) NULL,
      ip VARCHAR(64) NULL,
      KEY sessions_user_id (user_id, created_at),
      KEY sessions_expires_at (expires_at),
      CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS refresh_tokens (
      hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      session_id ${ID} NOT NULL,
      created_at DATETIME(3) NOT NULL,
      rotated_at DATETIME(3) NULL,
      KEY refresh_tokens_session_id (session_id),
      CONSTRAINT refresh_tokens_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS revocations (
      session_id ${ID} NOT NULL PRIMARY KEY,
      user_id ${ID} NOT NULL,
      revoked_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      KEY revocations_revoked_at (revoked_at),
      KEY revocations_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`
]

/**
 * Account administration and login throttling. login_failures holds one row per failed login
 * (each expires on its own); login_failure_keys holds one row per throttle key, locked by every
 * recorder of that key so that concurrent failures are counted one after another (see
 * login-failures.ts), and expiring with the key's newest failure.
 */
const V2_ACCOUNTS_AND_THROTTLING: MigrationStep[] = [
  {
    sql: 'ALTER TABLE users ADD COLUMN disabled_at DATETIME(3) NULL',
    unless: 'SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = \'users\' AND column_name = \'disabled_at\''
  },
    `CREATE TABLE IF NOT EXISTS login_failure_keys (
      key_hash ${SHA256_HEX} NOT NULL PRIMARY KEY,
      expires_at DATETIME(3) NOT NULL,
      KEY login_failure_keys_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS login_failures (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      key_hash ${SHA256_HEX} NOT NULL,
      failed_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      KEY login_failures_key_hash (key_hash, expires_at),
      KEY login_failures_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`
]

const V3_AUDIT_EVENTS: MigrationStep[] = [
    // No foreign key to users: the trail of a deleted user stays.
    `CREATE TABLE IF NOT EXISTS audit_events (
      id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      at DATETIME(3) NOT NULL,
      event VARCHAR(32) NOT NULL,
      user_id ${ID} NULL,
      data TEXT NOT NULL,
      KEY audit_events_user_id (user_id, id)
    ) ${TABLE_OPTIONS}`
]

/**
 * Revocations are synced by a number the database assigns (sql/revocations.ts), not by
 * revoked_at: existing rows are numbered by the ALTER, in place.
 */
const V4_REVOCATION_SEQUENCE: MigrationStep[] = [
  {
    sql: 'ALTER TABLE revocations ADD COLUMN seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY revocations_seq (seq)',
    unless: 'SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = \'revocations\' AND column_name = \'seq\''
  }
]

/**
 * Account flows and second factors. Emails are trimmed and lower-cased first (as the service
 * stores them), then an address held by several accounts stays on the oldest one only (created_at,
 * then id) and the others lose it: the unique key below needs that. Every step is harmless to run
 * again. The self-join UPDATE never clears the oldest holder, so its result does not depend on the
 * order in which MySQL visits the rows. amr gets a default, which also fills the existing sessions.
 */
const V5_ACCOUNT_FLOWS_AND_FACTORS: MigrationStep[] = [
  {
    sql: 'ALTER TABLE users ADD COLUMN email_verified_at DATETIME(3) NULL',
    unless: 'SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = \'users\' AND column_name = \'email_verified_at\''
  },
  'UPDATE users SET email = NULLIF(LOWER(TRIM(email)), \'\') WHERE email IS NOT NULL',
  `UPDATE users AS later JOIN users AS earlier ON earlier.email = later.email
    AND (earlier.created_at < later.created_at OR (earlier.created_at = later.created_at AND earlier.id < later.id))
    SET later.email = NULL`,
  {
    sql: 'ALTER TABLE users ADD UNIQUE KEY users_email (email)',
    unless: 'SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = \'users\' AND index_name = \'users_email\''
  },
  {
    // VARCHAR, not TEXT: MySQL 8 takes a literal default on TEXT only as an expression, MariaDB the other way round.
    sql: 'ALTER TABLE sessions ADD COLUMN amr VARCHAR(255) NOT NULL DEFAULT \'["pwd"]\'',
    unless: 'SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = \'sessions\' AND column_name = \'amr\''
  },
    `CREATE TABLE IF NOT EXISTS one_time_tokens (
      hash ${SHA256_HEX} NOT NULL PRIMARY KEY,
      purpose VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
      user_id ${ID} NULL,
      code_hash ${SHA256_HEX} NULL,
      data TEXT NULL,
      created_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      failed_attempts INT NOT NULL DEFAULT 0,
      KEY one_time_tokens_user_purpose (user_id, purpose, created_at),
      KEY one_time_tokens_expires_at (expires_at),
      CONSTRAINT one_time_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS totp_factors (
      user_id ${ID} NOT NULL PRIMARY KEY,
      secret TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      confirmed_at DATETIME(3) NULL,
      last_used_step BIGINT NOT NULL,
      CONSTRAINT totp_factors_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS recovery_codes (
      user_id ${ID} NOT NULL,
      code_hash ${SHA256_HEX} NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (user_id, code_hash),
      CONSTRAINT recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`,
    // A credential id is at most 1023 bytes: 1364 base64url characters, one byte each in ascii.
    `CREATE TABLE IF NOT EXISTS passkeys (
      id VARCHAR(1400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
      user_id ${ID} NOT NULL,
      public_key TEXT NOT NULL,
      counter BIGINT NOT NULL,
      transports VARCHAR(255) NOT NULL,
      backed_up BOOLEAN NOT NULL,
      name VARCHAR(255) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      last_used_at DATETIME(3) NULL,
      KEY passkeys_user_id (user_id, created_at),
      CONSTRAINT passkeys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`
]

export const MYSQL_STEPS = { V1_TABLES, V2_ACCOUNTS_AND_THROTTLING, V3_AUDIT_EVENTS, V4_REVOCATION_SEQUENCE, V5_ACCOUNT_FLOWS_AND_FACTORS }

/** The table that records the applied versions (`schema_migrations`, or a module's own). */
export function mysqlMigrationsTable (table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    version INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    applied_at DATETIME(3) NOT NULL
  ) ${TABLE_OPTIONS}`
}

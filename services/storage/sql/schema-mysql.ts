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

export const MYSQL_STEPS = { V1_TABLES, V2_ACCOUNTS_AND_THROTTLING, V3_AUDIT_EVENTS, V4_REVOCATION_SEQUENCE }

/** The table that records the applied versions (`schema_migrations`, or a module's own). */
export function mysqlMigrationsTable (table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    version INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    applied_at DATETIME(3) NOT NULL
  ) ${TABLE_OPTIONS}`
}

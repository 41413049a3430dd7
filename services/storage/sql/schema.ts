import type { Migration } from './migrate.js'
import { MYSQL_STEPS } from './schema-mysql.js'
import { POSTGRES_STEPS } from './schema-postgres.js'
import { SQLITE_STEPS } from './schema-sqlite.js'

/**
 * The auth tables, version by version, recorded in schema_migrations (sql/migrate.ts applies
 * them). Each version has its statements for each dialect in schema-<dialect>.ts. Never edit a
 * released version: add the next one, for every dialect.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, refresh_tokens, revocations',
    steps: { mysql: MYSQL_STEPS.V1_TABLES, postgres: POSTGRES_STEPS.V1_TABLES, sqlite: SQLITE_STEPS.V1_TABLES }
  },
  {
    // login_failures: one row per failed login (each expires on its own); login_failure_keys:
    // one row per throttle key, locked by every recorder of that key (sql/login-failures.ts).
    version: 2,
    name: 'users.disabled_at, login_failure_keys, login_failures',
    steps: { mysql: MYSQL_STEPS.V2_ACCOUNTS_AND_THROTTLING, postgres: POSTGRES_STEPS.V2_ACCOUNTS_AND_THROTTLING, sqlite: SQLITE_STEPS.V2_ACCOUNTS_AND_THROTTLING }
  },
  {
    version: 3,
    name: 'audit_events',
    steps: { mysql: MYSQL_STEPS.V3_AUDIT_EVENTS, postgres: POSTGRES_STEPS.V3_AUDIT_EVENTS, sqlite: SQLITE_STEPS.V3_AUDIT_EVENTS }
  },
  {
    // Revocations are synced by a number the database assigns, not by revoked_at (sql/revocations.ts).
    version: 4,
    name: 'revocations.seq',
    steps: { mysql: MYSQL_STEPS.V4_REVOCATION_SEQUENCE, postgres: POSTGRES_STEPS.V4_REVOCATION_SEQUENCE, sqlite: SQLITE_STEPS.V4_REVOCATION_SEQUENCE }
  },
  {
    // Existing emails are normalised and made unique (an address shared by several accounts stays
    // with the oldest one); existing sessions get amr ["pwd"].
    version: 5,
    name: 'users.email_verified_at, unique users.email, sessions.amr, one_time_tokens, totp_factors, recovery_codes, passkeys',
    steps: { mysql: MYSQL_STEPS.V5_ACCOUNT_FLOWS_AND_FACTORS, postgres: POSTGRES_STEPS.V5_ACCOUNT_FLOWS_AND_FACTORS, sqlite: SQLITE_STEPS.V5_ACCOUNT_FLOWS_AND_FACTORS }
  }
]

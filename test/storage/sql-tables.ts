import type { Kysely } from 'kysely'
import type { Tables } from '../../services/storage/sql/tables.js'

/** Every table of the auth schema, children before the parents their foreign keys point at. */
const TABLES = ['refresh_tokens', 'sessions', 'one_time_tokens', 'totp_factors', 'recovery_codes', 'passkeys', 'users', 'revocations', 'login_failures', 'login_failure_keys', 'audit_events'] as const

/** Empties the auth tables (the schema stays): a fresh store for the next contract case. */
export async function emptyTables (db: Kysely<Tables>): Promise<void> {
  for (const table of TABLES) await db.deleteFrom(table).execute()
}

import type { Migration } from '../../services/storage/sql/migrate.js'
import type { SqlAccess } from '../../services/storage/sql/open.js'
import { newNote, type NotesStore } from './store.js'

/** The module's tables, as the query builder sees them. */
type NotesTables = {
  notes: { id: string, owner_id: string, text: string, created_at: string }
}

/*
 * Versioned like the auth schema, recorded apart in notes_migrations, applied once under the
 * migration lock (two instances starting together apply them once). A released version is never
 * edited: change the table with version 2, 3, ... Ids sort by creation in byte order (the
 * collations below compare bytes); a note's time is an ISO 8601 string in UTC, the same text on
 * every database.
 */
export const NOTES_MIGRATIONS: Migration[] = [{
  version: 1,
  name: 'notes',
  steps: {
    sqlite: [
      'CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY, owner_id TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL) STRICT',
      'CREATE INDEX notes_owner ON notes (owner_id, id)'
    ],
    mysql: [
      `CREATE TABLE IF NOT EXISTS notes (
        id CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
        owner_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        text VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        created_at CHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        KEY notes_owner (owner_id, id)
      ) ENGINE=InnoDB`
    ],
    postgres: [
      'CREATE TABLE notes (id char(26) COLLATE "C" PRIMARY KEY, owner_id varchar(36) NOT NULL, text varchar(500) NOT NULL, created_at varchar(24) NOT NULL)',
      'CREATE INDEX notes_owner ON notes (owner_id, id)'
    ]
  }
}]

/** Applies the notes migrations, then queries through the server's own pool (or file). */
export async function openSqlNotes (sql: SqlAccess): Promise<NotesStore> {
  await sql.migrate({ table: 'notes_migrations', migrations: NOTES_MIGRATIONS })
  const db = sql.db.withTables<NotesTables>()
  const columns = ['id', 'text', 'created_at'] as const
  return {
    add: (ownerId, text) => sql.run(async () => {
      const note = newNote(text)
      await db.insertInto('notes').values({ ...note, owner_id: ownerId }).execute()
      return note
    }),
    list: (ownerId, limit) => sql.run(() => db.selectFrom('notes').select(columns)
      .where('owner_id', '=', ownerId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()),
    remove: (ownerId, id) => sql.run(async () => {
      const result = await db.deleteFrom('notes').where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst()
      return result.numDeletedRows > 0n
    })
  }
}

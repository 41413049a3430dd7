import type { FastifyInstance } from 'fastify'
import { createAuditIds } from '../../services/audit-trail.js'

/*
 * Where the notes live: in the server's own database, whichever STORAGE_URL chose. Not a route
 * file: the autoloader loads only index.ts from a folder that has one.
 */

/** One note, as stored and as answered. */
export interface Note { id: string, text: string, created_at: string }

/**
 * Ids that sort by creation as plain strings (26 characters of [0-9a-z]: milliseconds, a counter
 * within the millisecond, random bits; the audit log's ids): sorting by id lists the newest first,
 * even notes written within the same millisecond, where a time column would tie.
 */
const nextId = createAuditIds(Date.now)
export const NOTE_ID_PATTERN = '^[0-9a-z]{26}$'

export function newNote (text: string): Note {
  return { id: nextId(), text, created_at: new Date().toISOString() }
}

/** Every operation names its owner: a user reaches only their own notes. */
export interface NotesStore {
  add (ownerId: string, text: string): Promise<Note>
  /** The owner's newest notes first, at most `limit`. */
  list (ownerId: string, limit: number): Promise<Note[]>
  /** Deletes the note if it is the owner's; false when there is none of that id for this owner. */
  remove (ownerId: string, id: string): Promise<boolean>
}

/**
 * SQLite, MySQL, PostgreSQL: a `notes` table made by the notes migrations (fastify.sql).
 * MongoDB: a `notes` collection. memory://: a Map, gone at restart like everything else there.
 * Each is loaded only when chosen, so a server does not load a driver it does not use.
 */
export async function openNotesStore (fastify: FastifyInstance): Promise<NotesStore> {
  if (fastify.sql !== null) {
    const { openSqlNotes } = await import('./sql-store.js')
    return await openSqlNotes(fastify.sql)
  }
  if (fastify.hasDecorator('mongo') && fastify.mongo.db !== undefined) {
    const { openMongoNotes } = await import('./mongodb-store.js')
    return await openMongoNotes(fastify.mongo.db, fastify.config.STORAGE_TIMEOUT_MS)
  }
  return createMemoryNotes()
}

function createMemoryNotes (): NotesStore {
  const byOwner = new Map<string, Note[]>()
  return {
    async add (ownerId, text) {
      const note = newNote(text)
      byOwner.set(ownerId, [note, ...(byOwner.get(ownerId) ?? [])])
      return note
    },
    async list (ownerId, limit) {
      return (byOwner.get(ownerId) ?? []).slice(0, limit)
    },
    async remove (ownerId, id) {
      const notes = byOwner.get(ownerId) ?? []
      const kept = notes.filter((note) => note.id !== id)
      byOwner.set(ownerId, kept)
      return kept.length < notes.length
    }
  }
}

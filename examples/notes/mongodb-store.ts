import type { Db } from 'mongodb'
import { createMongoRunner } from '../../services/storage/mongodb-runner.js'
import { newNote, type Note, type NotesStore } from './store.js'

interface NoteDocument { _id: string, owner_id: string, text: string, created_at: string }

/**
 * The `notes` collection of the server's own MongoDB database; its index is made at start (a no-op
 * when it exists). Each operation has STORAGE_TIMEOUT_MS, and an outage answers 503 like the
 * auth routes.
 */
export async function openMongoNotes (db: Db, timeoutMs: number): Promise<NotesStore> {
  const notes = db.collection<NoteDocument>('notes')
  await notes.createIndex({ owner_id: 1, _id: -1 }, { name: 'notes_owner' })
  const run = createMongoRunner(timeoutMs)
  const toNote = ({ _id, text, created_at: createdAt }: NoteDocument): Note => ({ id: _id, text, created_at: createdAt })
  return {
    add: (ownerId, text) => run(async (call) => {
      const note = newNote(text)
      await notes.insertOne({ _id: note.id, owner_id: ownerId, text: note.text, created_at: note.created_at }, call.write())
      return note
    }),
    list: (ownerId, limit) => run(async (call) => {
      const found = await notes.find({ owner_id: ownerId }, call.read).sort({ _id: -1 }).limit(limit).toArray()
      return found.map(toNote)
    }),
    remove: (ownerId, id) => run(async (call) => (await notes.deleteOne({ _id: id, owner_id: ownerId }, call.write())).deletedCount === 1)
  }
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { BEARER, errorReplies, NoContent } from '../../schemas/common.js'
import { NotFoundError } from '../../services/errors.js'
import { NOTE_ID_PATTERN, openNotesStore } from './store.js'

/** At most this many notes in one reply: the newest. */
const LISTED = 100

const EXAMPLE = { id: '00mxc6f0w000003f9a1c7e52d4', text: 'buy milk', created_at: '2026-12-06T18:30:00.000Z' }

// No NUL: PostgreSQL refuses it in text (a 500 otherwise), and no database needs it.
const NoteBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 500, pattern: '^[^\\u0000]*$' }) }, { additionalProperties: false })
const Note = Type.Object({
  id: Type.String({ pattern: NOTE_ID_PATTERN }),
  text: Type.String(),
  created_at: Type.String({ format: 'date-time' })
}, { description: 'A note', examples: [EXAMPLE] })
const NoteList = Type.Array(Note, { description: `Your notes, newest first (at most ${LISTED})`, examples: [[EXAMPLE]] })
const NoteParams = Type.Object({ id: Type.String({ pattern: NOTE_ID_PATTERN }) })

/** /notes/: each user's own notes, kept in the server's database. Guarded by autohooks.ts. */
const notes: FastifyPluginAsyncTypebox = async (fastify) => {
  const store = await openNotesStore(fastify)
  const meta = (summary: string) => ({ tags: ['notes'], summary, security: BEARER })

  fastify.get('/', {
    schema: { ...meta('My notes'), response: { 200: NoteList, ...errorReplies(401, 503) } }
  }, async (request) => await store.list(request.user.sub, LISTED))

  fastify.post('/', {
    schema: { ...meta('Add a note'), body: NoteBody, response: { 201: Note, ...errorReplies(400, 401, 503) } }
  }, async (request, reply) => reply.code(201).send(await store.add(request.user.sub, request.body.text)))

  // Someone else's note and no note answer alike: 404, so ids of other users' notes cannot be probed.
  fastify.delete('/:id', {
    schema: { ...meta('Delete one of my notes'), params: NoteParams, response: { 204: NoContent, ...errorReplies(400, 401, 404, 503) } }
  }, async (request, reply) => {
    if (!await store.remove(request.user.sub, request.params.id)) throw new NotFoundError('Note')
    return reply.code(204).send(null)
  })
}
export default notes

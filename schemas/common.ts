import { Type, type Static } from 'typebox'

/** Every error reply: Fastify's shape plus a stable machine-readable code. */
export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String()
}, { $id: 'ErrorReply' })

export type ErrorReplyType = Static<typeof ErrorReply>

/** Response schemas for the error statuses a route can answer. */
export function errorReplies<const Status extends number> (...statuses: Status[]): Record<Status, typeof ErrorReply> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorReply])) as Record<Status, typeof ErrorReply>
}

export const NoContent = Type.Null({ description: 'No content' })

/** Routes that take credentials accept at most this much body: refused with 413 before parsing. */
export const AUTH_BODY_LIMIT = 16 * 1024

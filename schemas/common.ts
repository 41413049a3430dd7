import { STATUS_CODES } from 'node:http'
import { Type, type Static } from 'typebox'

const errorShape = {
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String({ description: 'Stable machine-readable code' })
}

/** Every error reply: Fastify's shape plus a stable machine-readable code. */
export const ErrorReply = Type.Object(errorShape)

export type ErrorReplyType = Static<typeof ErrorReply>

/** A typical reply per status, for the OpenAPI document. */
const EXAMPLES: Record<number, [code: string, message: string]> = {
  400: ['invalid_request', 'body/username must NOT have fewer than 3 characters'],
  401: ['invalid_token', 'Missing, invalid, expired or revoked access token'],
  403: ['forbidden', 'This route needs the admin role'],
  404: ['not_found', 'Route GET /nope not found'],
  409: ['username_taken', 'This username is already registered'],
  413: ['payload_too_large', 'Request body is too large'],
  415: ['unsupported_media_type', 'Unsupported Media Type: application/xml'],
  429: ['rate_limited', 'Too many requests from this address, retry in 1 minute'],
  503: ['storage_unavailable', 'Storage is unavailable, try again shortly']
}

function errorReply (status: number, example?: [string, string]) {
  const [code, message] = example ?? EXAMPLES[status] ?? ['internal_error', 'Internal Server Error']
  return Type.Object(errorShape, {
    description: STATUS_CODES[status],
    examples: [{ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code }]
  })
}

/** Response schemas, each with a description and an example, for the error statuses a route can answer. */
export function errorReplies<const Status extends number> (...statuses: Status[]): Record<Status, typeof ErrorReply> {
  return Object.fromEntries(statuses.map((status) => [status, errorReply(status)])) as Record<Status, typeof ErrorReply>
}

/** The same, with a route's own example for one status. */
export function errorReplyWith (status: number, code: string, message: string): typeof ErrorReply {
  return errorReply(status, [code, message])
}

export const NoContent = Type.Null({ description: 'No content' })

/** Routes that take credentials accept at most this much body: refused with 413 before parsing. */
export const AUTH_BODY_LIMIT = 16 * 1024

/** OpenAPI security requirements. */
type SecurityRequirements = Array<Record<string, string[]>>
export const BEARER: SecurityRequirements = [{ bearerAuth: [] }]
export const BASIC_OR_NONE: SecurityRequirements = [{ basicAuth: [] }, {}]

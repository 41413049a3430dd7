import { Type } from 'typebox'

/** RFC 6749 section 5.2. */
export const OAuthErrorReply = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String())
})

export function oauthErrorReplies<const Status extends number> (...statuses: Status[]): Record<Status, typeof OAuthErrorReply> {
  return Object.fromEntries(statuses.map((status) => [status, OAuthErrorReply])) as Record<Status, typeof OAuthErrorReply>
}

export const TokenRequest = Type.Object({
  grant_type: Type.String({ minLength: 1, maxLength: 64 }),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  scope: Type.Optional(Type.String({ maxLength: 1024 })),
  client_id: Type.Optional(Type.String({ maxLength: 256 }))
}, { additionalProperties: false })

export const TokenTypeHint = Type.Union([Type.Literal('access_token'), Type.Literal('refresh_token')])

export const TokenReference = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 8192 }),
  // Unknown hints are ignored (RFC 7009 section 2.1): any string is accepted here.
  token_type_hint: Type.Optional(Type.String({ maxLength: 64 }))
}, { additionalProperties: false })

export const IntrospectionReply = Type.Object({
  active: Type.Boolean(),
  token_type: Type.Optional(TokenTypeHint),
  sub: Type.Optional(Type.String()),
  sid: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  iss: Type.Optional(Type.String()),
  aud: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  roles: Type.Optional(Type.Array(Type.String())),
  jti: Type.Optional(Type.String())
})

import { Type } from 'typebox'

/** RFC 6749 section 5.2. */
export const OAuthErrorReply = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String())
}, { description: 'RFC 6749 error', examples: [{ error: 'invalid_grant', error_description: 'Invalid username or password' }] })

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
}, {
  additionalProperties: false,
  examples: [
    { grant_type: 'password', username: 'alice', password: 'correct horse battery staple' },
    { grant_type: 'refresh_token', refresh_token: 'o3N6WmY1aJ3o4N7Qh1lXGQ0bq3kq8zq5n2d1y9L0vZc' }
  ]
})

export const TokenTypeHint = Type.Union([Type.Literal('access_token'), Type.Literal('refresh_token')])

export const TokenReference = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 8192 }),
  // Unknown hints are ignored (RFC 7009 section 2.1): any string is accepted here.
  token_type_hint: Type.Optional(Type.String({ maxLength: 64 }))
}, { additionalProperties: false, examples: [{ token: 'o3N6WmY1aJ3o4N7Qh1lXGQ0bq3kq8zq5n2d1y9L0vZc', token_type_hint: 'refresh_token' }] })

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
}, {
  description: 'RFC 7662 introspection response',
  examples: [
    { active: false },
    { active: true, token_type: 'access_token', sub: '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11', sid: 'b0c1d2e3-f405-4617-8829-3a4b5c6d7e8f', exp: 1795000000, iat: 1794999100, iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server', roles: ['user'], scope: 'user', jti: '0f1e2d3c-4b5a-4978-8a1b-2c3d4e5f6a7b' }
  ]
})

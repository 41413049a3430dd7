import { Type, type Static } from 'typebox'

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'Letters, digits, dot, underscore and dash; unique regardless of case'
})

/** Any Unicode, spaces and colons included. */
export const Password = Type.String({ minLength: 8, maxLength: 1024 })

export const Email = Type.String({ format: 'email', maxLength: 254 })

export const RegisterBody = Type.Object({
  username: Username,
  password: Password,
  email: Type.Optional(Email)
}, { additionalProperties: false, examples: [{ username: 'alice', password: 'correct horse battery staple', email: 'alice@example.com' }] })

/** JSON credentials; with HTTP Basic the body may be absent. */
export const LoginBody = Type.Union([
  Type.Object({
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 })
  }, { additionalProperties: false, examples: [{ username: 'alice', password: 'correct horse battery staple' }] }),
  Type.Null()
], { description: 'JSON credentials, or no body when the Authorization header carries HTTP Basic credentials' })

export const RefreshBody = Type.Object({
  refresh_token: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false, examples: [{ refresh_token: 'o3N6WmY1aJ3o4N7Qh1lXGQ0bq3kq8zq5n2d1y9L0vZc' }] })

export const TokenPairReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  refresh_token: Type.String()
}, {
  description: 'A new token pair',
  examples: [{
    access_token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
    token_type: 'Bearer',
    expires_in: 900,
    refresh_token: 'o3N6WmY1aJ3o4N7Qh1lXGQ0bq3kq8zq5n2d1y9L0vZc'
  }]
})

export type RegisterBodyType = Static<typeof RegisterBody>
export type LoginBodyType = Static<typeof LoginBody>

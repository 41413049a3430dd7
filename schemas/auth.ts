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
}, { additionalProperties: false })

/** JSON credentials; with HTTP Basic the body may be absent. */
export const LoginBody = Type.Union([
  Type.Object({
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 })
  }, { additionalProperties: false }),
  Type.Null()
])

export const RefreshBody = Type.Object({
  refresh_token: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false })

export const TokenPairReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Access token lifetime in seconds' }),
  refresh_token: Type.String()
})

export type RegisterBodyType = Static<typeof RegisterBody>
export type LoginBodyType = Static<typeof LoginBody>

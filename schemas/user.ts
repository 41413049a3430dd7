import { Type } from 'typebox'

/** What anyone may see of a user: never the password hash. */
export const PublicUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()])
}, { description: 'The new user', examples: [{ id: '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11', username: 'alice', email: 'alice@example.com' }] })

export const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  email_verified: Type.Boolean({ description: 'True once the owner proved they read mail at `email`' }),
  roles: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' })
}, {
  description: 'The caller',
  examples: [{ id: '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11', username: 'alice', email: 'alice@example.com', email_verified: true, roles: ['user'], created_at: '2026-11-26T12:00:00.000Z' }]
})

import { Type } from 'typebox'

/** What anyone may see of a user: never the password hash. */
export const PublicUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()])
})

export const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' })
})

import { Type } from 'typebox'
import { Password } from './auth.js'

const UUID_EXAMPLE = '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11'

export const PasswordChangeBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Password
}, { additionalProperties: false, examples: [{ current_password: 'correct horse battery staple', new_password: 'a brand new passphrase' }] })

export const SessionView = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.String({ format: 'date-time' }),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: 'The session of the token making this request' })
})

export const SessionList = Type.Object({ sessions: Type.Array(SessionView) }, {
  description: 'The caller\'s active sessions, oldest first',
  examples: [{ sessions: [{ id: UUID_EXAMPLE, created_at: '2026-11-26T12:00:00.000Z', last_used_at: '2026-11-26T12:10:00.000Z', user_agent: 'curl/8.5.0', ip: '127.0.0.1', current: true }] }]
})

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const AdminUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  email_verified: Type.Boolean(),
  roles: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  disabled: Type.Boolean()
}, {
  description: 'A user, as an admin sees it (never the password hash)',
  examples: [{ id: UUID_EXAMPLE, username: 'alice', email: null, email_verified: false, roles: ['user'], created_at: '2026-11-26T12:00:00.000Z', disabled: false }]
})

export const UserListQuery = Type.Object({
  prefix: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9._-]*$' })),
  after: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$', description: '1 to 100, default 20' }))
}, { additionalProperties: false })

export const UserList = Type.Object({
  users: Type.Array(AdminUser),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` for the next page; null on the last page' })
}, {
  description: 'One page of users, by username',
  examples: [{ users: [{ id: UUID_EXAMPLE, username: 'alice', email: null, email_verified: false, roles: ['user'], created_at: '2026-11-26T12:00:00.000Z', disabled: false }], next: null }]
})

export const RolesBody = Type.Object({
  roles: Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z][a-z0-9_-]*$' }), { minItems: 0, maxItems: 16, uniqueItems: true })
}, { additionalProperties: false, examples: [{ roles: ['user', 'admin'] }] })

export const AuditQuery = Type.Object({
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  before: Type.Optional(Type.String({ pattern: '^[0-9a-z]{26}$', description: 'The `next` of the previous page' })),
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$', description: '1 to 100, default 50' }))
}, { additionalProperties: false })

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  event: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'The event\'s other fields: session_id, reason, ip, username as typed, actor ...' })
})

export const AuditList = Type.Object({
  events: Type.Array(AuditEntry),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for older events; null on the last page' })
}, {
  description: 'Stored audit events, newest first',
  examples: [{
    events: [{ id: '0000mifz3k0000a1b2c3d4e5f6', at: '2026-11-26T12:00:00.000Z', event: 'login_failure', user_id: null, details: { username: 'alice', reason: 'wrong_password', ip: '127.0.0.1' } }],
    next: null
  }]
})

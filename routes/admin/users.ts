import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Accepted } from '../../schemas/account-email.js'
import { AdminUser, IdParams, RolesBody, UserList, UserListQuery } from '../../schemas/account.js'
import { BEARER, errorReplies, errorReplyWith, NoContent } from '../../schemas/common.js'
import type { UserRecord } from '../../services/storage/types.js'

const view = (user: UserRecord) => ({
  id: user.id,
  username: user.username,
  email: user.email,
  email_verified: user.email !== null && user.emailVerifiedAt !== null,
  roles: user.roles,
  created_at: user.createdAt.toISOString(),
  disabled: user.disabledAt !== null
})

const denied = errorReplies(401, 403, 503)
const selfLockout = errorReplyWith(409, 'self_lockout', 'An admin cannot remove their own admin role')

/** The admin API: list, read, set roles, disable / enable, delete, clear failed logins. */
const adminUsers: FastifyPluginAsyncTypebox = async (fastify) => {
  const { accounts, accountEmail } = fastify
  const meta = (summary: string) => ({ tags: ['admin'], summary, security: BEARER })

  fastify.get('/users', {
    schema: { ...meta('List users by username, paginated, filtered by prefix'), querystring: UserListQuery, response: { 200: UserList, ...errorReplies(400), ...denied } }
  }, async (request) => {
    const { prefix, after, limit } = request.query
    const page = await accounts.listUsers({ prefix, after, limit: limit === undefined ? 20 : Number(limit) })
    return { users: page.users.map(view), next: page.next }
  })

  fastify.get('/users/:id', {
    schema: { ...meta('One user'), params: IdParams, response: { 200: AdminUser, ...errorReplies(400, 404), ...denied } }
  }, async (request) => view(await accounts.getUser(request.params.id)))

  fastify.put('/users/:id/roles', {
    schema: { ...meta('Replace a user\'s roles (their sessions end)'), params: IdParams, body: RolesBody, response: { 200: AdminUser, ...errorReplies(400, 404), 409: selfLockout, ...denied } }
  }, async (request) => view(await accounts.setRoles(request.user.sub, request.params.id, request.body.roles)))

  fastify.post('/users/:id/disable', {
    schema: { ...meta('Disable a user: no login, no refresh, sessions end'), params: IdParams, response: { 200: AdminUser, ...errorReplies(400, 404), 409: selfLockout, ...denied } }
  }, async (request) => view(await accounts.setDisabled(request.user.sub, request.params.id, true)))

  fastify.post('/users/:id/enable', {
    schema: { ...meta('Enable a disabled user'), params: IdParams, response: { 200: AdminUser, ...errorReplies(400, 404), ...denied } }
  }, async (request) => view(await accounts.setDisabled(request.user.sub, request.params.id, false)))

  fastify.delete('/users/:id', {
    schema: { ...meta('Delete a user (sessions end)'), params: IdParams, response: { 204: NoContent, ...errorReplies(400, 404), 409: selfLockout, ...denied } }
  }, async (request, reply) => {
    await accounts.deleteUser(request.user.sub, request.params.id)
    return reply.code(204).send(null)
  })

  fastify.post('/users/:id/email/verify', {
    schema: { ...meta('Mark the user\'s email address verified'), params: IdParams, response: { 200: AdminUser, ...errorReplies(400, 404), ...denied } }
  }, async (request) => view(await accountEmail.markVerified(request.user.sub, request.params.id)))

  fastify.post('/users/:id/password/reset', {
    schema: {
      ...meta('Mail the user a password reset link and code'),
      params: IdParams,
      response: { 202: Accepted, ...errorReplies(400, 404), 409: errorReplyWith(409, 'no_email', 'This account has no email address to send a reset link to'), ...denied }
    }
  }, async (request, reply) => {
    const user = await accounts.getUser(request.params.id)
    await accountEmail.passwordReset.sendTo(user, request.user.sub)
    return reply.code(202).send({ message: 'A reset link and code were sent to the user\'s address' })
  })

  fastify.delete('/users/:id/login-failures', {
    schema: { ...meta('Forget the user\'s failed logins: every client may log in again at once'), params: IdParams, response: { 204: NoContent, ...errorReplies(400, 404), ...denied } }
  }, async (request, reply) => {
    await accounts.clearLoginFailures(request.user.sub, request.params.id)
    return reply.code(204).send(null)
  })
}

export default adminUsers

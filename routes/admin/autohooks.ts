import type { FastifyPluginAsync } from 'fastify'
import { activeUser } from '../../services/active-user.js'

/**
 * Everything under /admin needs a valid access token carrying the admin role, of an account that
 * is still active: a disabled admin's token may be live on an instance that has not synced yet.
 * One user lookup per admin request (admin routes are rare; the other guarded routes never pay it),
 * and one factor lookup when the token is below aal2.
 */
const adminGuard: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)
  fastify.addHook('onRequest', fastify.requireRole('admin'))
  fastify.addHook('onRequest', async (request) => { await activeUser(fastify.users, request.user.sub) })
  // aal2 for an admin who has a second factor, and for every admin with ADMIN_REQUIRE_MFA=true
  // (403 mfa_required / mfa_enrollment_required; enrolment lives under /auth/mfa, outside this guard).
  fastify.addHook('onRequest', fastify.requireAdminMfa)
}

export default adminGuard

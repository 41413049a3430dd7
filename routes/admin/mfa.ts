import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams } from '../../schemas/account.js'
import { BEARER, errorReplies, NoContent } from '../../schemas/common.js'
import { resetUserMfa } from '../../services/mfa/admin-reset.js'

/** The admin's reset of a user's second factors (the user lost their phone and their recovery codes). */
const adminMfa: FastifyPluginAsyncTypebox = async (fastify) => {
  const { store, mfa, sessions } = fastify

  fastify.delete('/users/:id/mfa', {
    schema: {
      tags: ['admin', 'mfa'],
      summary: 'Remove every second factor of a user (authenticator app, recovery codes, passkeys) and end their sessions',
      description: 'Audited (mfa_reset) and mailed to the user when a mailer is configured. The user logs in with the password alone afterwards and can enrol again.',
      security: BEARER,
      params: IdParams,
      response: { 204: NoContent, ...errorReplies(400, 401, 403, 404, 503) }
    }
  }, async (request, reply) => {
    await resetUserMfa({ store, factors: mfa.factors, sessions }, request.user.sub, request.params.id)
    return reply.code(204).send(null)
  })
}

export default adminMfa

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { BEARER, errorReplies, errorReplyWith, NoContent } from '../../../schemas/common.js'
import { PasskeyList, PasskeyParams } from '../../../schemas/passkeys.js'
import { activeUser } from '../../../services/active-user.js'
import { passkeySummary } from '../../../services/webauthn/summary.js'

/** The caller's passkeys: list and delete. */
const manage: FastifyPluginAsyncTypebox = async (fastify) => {
  const { passkeys, users } = fastify

  fastify.get('/', {
    onRequest: fastify.authenticate,
    schema: {
      tags: ['passkeys'],
      summary: 'List the caller\'s passkeys',
      security: BEARER,
      response: { 200: PasskeyList, ...errorReplies(401, 503) }
    }
  }, async (request) => {
    await activeUser(users, request.user.sub)
    return { passkeys: (await passkeys.list(request.user.sub)).map(passkeySummary) }
  })

  fastify.delete('/:id', {
    // Removing a factor takes a factor: a stolen password-only token cannot strip the account's passkeys.
    onRequest: [fastify.authenticate, fastify.requireMfa()],
    schema: {
      tags: ['passkeys'],
      summary: 'Delete one of the caller\'s passkeys (needs an aal2 token: a second factor in this session)',
      security: BEARER,
      params: PasskeyParams,
      response: {
        204: NoContent,
        ...errorReplies(400, 401, 503),
        403: errorReplyWith(403, 'mfa_required', 'This route needs a session that used a second factor: step up with POST /auth/mfa/step-up, or log in with your second factor'),
        404: errorReplyWith(404, 'not_found', 'Passkey not found')
      }
    }
  }, async (request, reply) => {
    await activeUser(users, request.user.sub)
    await passkeys.remove(request.user.sub, request.params.id)
    return reply.code(204).send(null)
  })
}

export default manage

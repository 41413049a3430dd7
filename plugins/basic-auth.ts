import basicAuth from '@fastify/basic-auth'
import fp from 'fastify-plugin'
import type { UserRecord } from '../services/storage/types.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by Basic authentication on the login route. */
    authenticatedUser: UserRecord | null
  }
}

/**
 * HTTP Basic login (the original template's way): `fastify.basicAuth` checks the credentials
 * with the user service. A malformed header is a 401 with a Basic challenge, never a 500.
 */
export default fp(async (fastify) => {
  fastify.decorateRequest('authenticatedUser', null)
  await fastify.register(basicAuth, {
    authenticate: { realm: 'auth' },
    utf8: true,
    async validate (username, password, request) {
      request.authenticatedUser = await fastify.users.authenticate(username, password, { ip: request.ip })
    }
  })
}, { name: 'basic-auth', dependencies: ['services'] })

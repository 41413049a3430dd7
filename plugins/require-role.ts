import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ForbiddenError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A hook for after `authenticate`: 403 unless the access token carries one of the roles.
     * `{ onRequest: [fastify.authenticate, fastify.requireRole('admin')] }`, or in an autohooks.ts.
     */
    requireRole: (...roles: string[]) => (request: FastifyRequest) => Promise<void>
  }
}

export default fp(async (fastify) => {
  fastify.decorate('requireRole', (...roles: string[]) => async (request: FastifyRequest) => {
    if (!roles.some((role) => request.user.roles.includes(role))) {
      throw new ForbiddenError(`This route needs the ${roles.join(' or ')} role`)
    }
  })
}, { name: 'require-role', dependencies: ['authenticate'] })

import type { FastifyPluginAsync } from 'fastify'

/** Everything under /admin needs a valid access token carrying the admin role. */
const adminGuard: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)
  fastify.addHook('onRequest', fastify.requireRole('admin'))
}

export default adminGuard

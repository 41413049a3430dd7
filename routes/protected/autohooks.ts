import type { FastifyPluginAsync } from 'fastify'

/**
 * The guard for this folder: every route under routes/protected/ needs a valid access token.
 * Copy this file into any route folder of yours that must be protected.
 */
const guard: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)
}

export default guard

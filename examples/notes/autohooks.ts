import type { FastifyPluginAsync } from 'fastify'

/** Every route in this folder needs a valid access token: Authorization: Bearer <token>. */
const guard: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)
}
export default guard

import type { FastifyPluginAsync } from 'fastify'

/**
 * Every reply under /auth carries credentials or the caller's own data (tokens, the account,
 * its sessions) or answers about them: `Cache-Control: no-store`, also on the routes that take
 * no access token (register, login, refresh), so no shared or browser cache keeps any of it.
 */
const authFolder: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store')
    done()
  })
}

export default authFolder

// @ts-check
/**
 * Reference: the same minimal @fastify/jwt app as fastify-jwt.mjs with the verifier cache that
 * its README recommends turned on (`verify: { cache: true }`, 1000 entries).
 *
 *   PORT=3000 JWT_SECRET=… node bench/peers/fastify-jwt-cache.mjs
 */
import jwt from '@fastify/jwt'
import Fastify from 'fastify'

const fastify = Fastify({ logger: { level: 'warn' } })
fastify.register(jwt, { secret: String(process.env.JWT_SECRET), verify: { cache: true } })

fastify.addHook('onRequest', async (request, reply) => {
  try {
    await request.jwtVerify()
  } catch (err) {
    reply.send(err)
  }
})

fastify.get('/protected/hello', async (request) => ({ message: 'Hello from a protected route', user_id: /** @type {{ sub: string }} */ (request.user).sub }))

await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })

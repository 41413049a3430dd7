// @ts-check
/**
 * Reference: a minimal Fastify app protecting a route with @fastify/jwt exactly as its README
 * shows (register with a secret, `await request.jwtVerify()` in an onRequest hook, default
 * options: no verifier cache). Request logging off like every server in the benchmark.
 *
 *   PORT=3000 JWT_SECRET=… node bench/peers/fastify-jwt.mjs
 */
import jwt from '@fastify/jwt'
import Fastify from 'fastify'

const fastify = Fastify({ logger: { level: 'warn' } })
fastify.register(jwt, { secret: String(process.env.JWT_SECRET) })

fastify.addHook('onRequest', async (request, reply) => {
  try {
    await request.jwtVerify()
  } catch (err) {
    reply.send(err)
  }
})

fastify.get('/protected/hello', async (request) => ({ message: 'Hello from a protected route', user_id: /** @type {{ sub: string }} */ (request.user).sub }))

await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })

// @ts-check
/**
 * Not a competitor but a ceiling: Fastify with nothing registered, answering the protected path
 * with a reply of the same shape and size as ours, and checking no token at all. The requests
 * carry the same Authorization header as every protected request, so the HTTP parser reads the
 * same bytes. No Fastify server that verifies tokens can be faster than this one.
 *
 *   PORT=3000 node bench/peers/fastify-bare.mjs
 */
import Fastify from 'fastify'

const fastify = Fastify({ logger: { level: 'warn' } })

const USER_ID = '00000000-0000-4000-8000-000000000000' // as long as the sub of our tokens
fastify.get('/protected/hello', async () => ({ message: 'Hello from a protected route', user_id: USER_ID }))

await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })

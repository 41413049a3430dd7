// @ts-check
/**
 * Not a competitor but a ceiling: Fastify with nothing registered, answering the protected path
 * with a reply of the same shape and size as ours, and checking no token at all. The requests
 * carry the same Authorization header as every protected request, so the HTTP parser reads the
 * same bytes. No Fastify server that verifies tokens can be faster than this one.
 *
 * With REPLY_HEADERS (a JSON object) it also sends those headers on every reply, set the way our
 * helmet plugin sets its own: one object, one onRequest hook. The benchmark passes the headers
 * our server sends on /health (security headers and CORS), which prices them on their own.
 *
 *   PORT=3000 [REPLY_HEADERS='{"x-frame-options":"SAMEORIGIN"}'] node bench/peers/fastify-bare.mjs
 */
import Fastify from 'fastify'

const fastify = Fastify({ logger: { level: 'warn' } })

if (process.env.REPLY_HEADERS !== undefined) {
  const headers = /** @type {Record<string, string>} */ (JSON.parse(process.env.REPLY_HEADERS))
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}

const USER_ID = '00000000-0000-4000-8000-000000000000' // as long as the sub of our tokens
fastify.get('/protected/hello', async () => ({ message: 'Hello from a protected route', user_id: USER_ID }))

await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })

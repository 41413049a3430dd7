import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/** A route of yours with another method (PATCH…) needs it added here. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS']

/**
 * CORS_ORIGINS unset: any origin, never with credentials (the original template's behaviour).
 * CORS_ORIGINS set: only those origins, with credentials. An Origin is never reflected with
 * credentials unless it is listed.
 */
export default fp(async (fastify) => {
  const origins = fastify.config.corsOrigins
  await fastify.register(cors, {
    origin: origins ?? '*',
    credentials: origins !== null,
    // Every method a route uses (test/routes/cors.test.ts checks the registered routes against it).
    methods: CORS_METHODS,
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['config'] })

import cors from '@fastify/cors'
import fp from 'fastify-plugin'

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
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600
  })
}, { name: 'cors', dependencies: ['config'] })

import fp from 'fastify-plugin'
import { loadConfig, type AppConfig, type AppOptions } from '../services/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig
  }
}

/** Validated configuration, read once: `fastify.config`. */
export default fp<AppOptions>(async (fastify, opts) => {
  const config = opts.config ?? loadConfig(process.env)
  fastify.decorate('config', config)
  if (config.jwtSecretGenerated) {
    fastify.log.warn('JWT_SECRET is not set: using a random secret for this process; tokens will not survive a restart')
  }
}, { name: 'config', fastify: '5.x' })

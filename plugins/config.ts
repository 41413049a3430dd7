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
}, { name: 'config', fastify: '5.x' })

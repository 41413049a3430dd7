import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/**
 * Security headers. The defaults suit a JSON API; the CSP allows only same-origin scripts and
 * styles, which the static demo page uses (no inline script, no CDN).
 */
export default fp(async (fastify) => {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"]
      }
    }
  })
}, { name: 'helmet', dependencies: ['config'] })

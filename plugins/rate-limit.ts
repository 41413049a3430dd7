import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import { AppError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-route IP limits for the auth routes: `config: { rateLimit: fastify.authRateLimits.login }`. */
    authRateLimits: { login: RateLimitOptions | false, refresh: RateLimitOptions | false }
  }
}

/** How many times more refreshes than logins an IP may make in one window. */
const REFRESH_FACTOR = 3

/**
 * Per-IP limits on the credential-taking routes with @fastify/rate-limit (opt-in per route).
 * With REDIS_URL the counters live in Redis and hold across instances; otherwise per process.
 * RATE_LIMIT_AUTH_MAX=0 turns the IP limiter off.
 */
export default fp(async (fastify) => {
  const { RATE_LIMIT_AUTH_MAX: max, RATE_LIMIT_WINDOW_MS: timeWindow, REDIS_URL, STORAGE_TIMEOUT_MS } = fastify.config
  if (max === 0) {
    fastify.decorate('authRateLimits', { login: false, refresh: false })
    return
  }
  // ioredis is loaded only when REDIS_URL asks for it, like the storage drivers.
  const redis = REDIS_URL === undefined
    ? undefined
    : new (await import('ioredis')).Redis(REDIS_URL, { connectTimeout: STORAGE_TIMEOUT_MS, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
  if (redis !== undefined) {
    redis.on('error', (error: Error) => fastify.log.warn({ err: error }, 'rate-limit redis error'))
    fastify.addHook('onClose', async () => { redis.disconnect() })
  }
  await fastify.register(rateLimit, {
    global: false,
    ...(redis === undefined ? {} : { redis, nameSpace: 'auth-rate-limit:' }),
    // If Redis is unreachable, requests pass (the per-account throttle still holds) and a warning is logged.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(context.statusCode, 'rate_limited', `Too many requests from this address, retry in ${context.after}`)
  })
  fastify.decorate('authRateLimits', {
    login: { max, timeWindow },
    refresh: { max: max * REFRESH_FACTOR, timeWindow }
  })
}, { name: 'rate-limit', dependencies: ['config'] })

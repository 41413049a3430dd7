import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit'
import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { clientKey } from '../services/client-key.js'
import { AppError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-route IP limits: `config: { rateLimit: fastify.authRateLimits.register }`. */
    authRateLimits: { register: RateLimitOptions | false, refresh: RateLimitOptions | false }
    /**
     * The one IP budget for password guessing, shared by every route that checks a password
     * (login, the OAuth password grant, the password change): `preValidation: fastify.passwordGuessLimit`.
     */
    passwordGuessLimit: preValidationAsyncHookHandler
  }
}

/** How many times more refreshes than logins an IP may make in one window. */
const REFRESH_FACTOR = 3

/** 429 from the shared password-guess budget; the error handlers turn retryAfterSeconds into Retry-After. */
class PasswordGuessesLimitedError extends AppError {
  override name = 'PasswordGuessesLimitedError'
  readonly retryAfterSeconds: number
  constructor (retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many requests from this address, retry in ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** A request that names an OAuth grant other than the password grant guesses no password. */
function guessesNoPassword (request: FastifyRequest): boolean {
  const body = request.body
  if (typeof body !== 'object' || body === null || !('grant_type' in body)) return false
  return body.grant_type !== 'password'
}

/**
 * Per-IP limits on the credential-taking routes with @fastify/rate-limit (opt-in per route).
 * Clients are keyed by clientKey(): an IPv6 client by its /64, an IPv4-mapped address as IPv4.
 * With REDIS_URL the counters live in Redis and hold across instances; otherwise per process.
 * RATE_LIMIT_AUTH_MAX=0 turns the IP limiter off.
 */
export default fp(async (fastify) => {
  const { RATE_LIMIT_AUTH_MAX: max, RATE_LIMIT_WINDOW_MS: timeWindow, REDIS_URL, STORAGE_TIMEOUT_MS } = fastify.config
  if (max === 0) {
    fastify.decorate('authRateLimits', { register: false, refresh: false })
    fastify.decorate('passwordGuessLimit', async () => {})
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
    keyGenerator: (request) => clientKey(request.ip),
    // If Redis is unreachable, requests pass (the per-account throttle still holds) and a warning is logged.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(context.statusCode, 'rate_limited', `Too many requests from this address, retry in ${context.after}`)
  })
  fastify.decorate('authRateLimits', {
    register: { max, timeWindow },
    refresh: { max: max * REFRESH_FACTOR, timeWindow }
  })

  // One limiter (one set of counters) for every route that uses the hook, so each client has one
  // budget of password guesses however it spreads them over the routes.
  const passwordGuesses = fastify.createRateLimit({
    max,
    timeWindow,
    skipOnError: true,
    keyGenerator: (request) => `password-guess:${clientKey(request.ip)}`,
    allowList: guessesNoPassword
  })
  fastify.decorate('passwordGuessLimit', async (request) => {
    const limit = await passwordGuesses(request)
    if (!limit.isAllowed && limit.isExceeded) throw new PasswordGuessesLimitedError(limit.ttlInSeconds)
  })
}, { name: 'rate-limit', dependencies: ['config'] })

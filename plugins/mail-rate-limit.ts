import type { preValidationAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { clientKey } from '../services/client-key.js'
import { AppError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The one per-IP budget of every route that sends mail (register, verify request, forgot,
     * email change, ...): `preValidation: fastify.mailRequestLimit`. A 429 here is about the
     * caller's IP, never about an address, so it reveals nothing about accounts.
     */
    mailRequestLimit: preValidationAsyncHookHandler
  }
}

class MailRequestsLimitedError extends AppError {
  override name = 'MailRequestsLimitedError'
  readonly retryAfterSeconds: number
  constructor (retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many requests from this address, retry in ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/**
 * Built on the rate-limit plugin's counters (Redis with REDIS_URL, else per process): off, like
 * every IP limit, with RATE_LIMIT_AUTH_MAX=0. The per-address limit is separate and stored
 * (services/mail/address-limit.ts).
 */
export default fp(async (fastify) => {
  const { MAIL_RATE_LIMIT_IP_MAX: max, RATE_LIMIT_WINDOW_MS: timeWindow, RATE_LIMIT_AUTH_MAX } = fastify.config
  if (RATE_LIMIT_AUTH_MAX === 0) {
    fastify.decorate('mailRequestLimit', async () => {})
    return
  }
  const limiter = fastify.createRateLimit({ max, timeWindow, skipOnError: true, keyGenerator: (request) => `mail-request:${clientKey(request.ip)}` })
  fastify.decorate('mailRequestLimit', async (request) => {
    const limit = await limiter(request)
    if (!limit.isAllowed && limit.isExceeded) throw new MailRequestsLimitedError(limit.ttlInSeconds)
  })
}, { name: 'mail-rate-limit', dependencies: ['config', 'rate-limit'] })

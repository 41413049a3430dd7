import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** Seconds a client is asked to wait after an "overloaded" 503. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 5
/** How often the event loop is measured; each check looks at the last interval only. */
const SAMPLE_INTERVAL_MS = 1000
/** Liveness stays 200 under load: an orchestrator restarting a busy process would make it worse. */
const EXEMPT_ROUTES = new Set(['/health'])

const OVERLOADED = JSON.stringify({
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'The server is overloaded, try again shortly',
  code: 'overloaded'
})

/**
 * Load shedding with @fastify/under-pressure: while the event loop is overloaded (mean delay
 * over MAX_EVENT_LOOP_DELAY_MS, or busy more than MAX_EVENT_LOOP_UTILIZATION of the last
 * second), every request but /health gets 503 `overloaded` with Retry-After at once instead
 * of queueing until it times out. /ready answers 503 too, so a load balancer backs off.
 */
export default fp(async (fastify) => {
  const { MAX_EVENT_LOOP_DELAY_MS, MAX_EVENT_LOOP_UTILIZATION } = fastify.config
  // Samples that cover start-up (module loading, schema compilation) do not count: refusing
  // starts once a whole sample has been taken after the server became ready.
  let armed = false
  fastify.addHook('onReady', (done) => {
    setTimeout(() => { armed = true }, 2 * SAMPLE_INTERVAL_MS).unref()
    done()
  })

  /**
   * Under-pressure sends what this returns (nothing: the request goes on), and then skips the
   * route. Prepared JSON text: the same shape on every route, the /oauth ones (their own error
   * handler and 503 schema) included, and nothing built per refused request.
   */
  function refuse (request: FastifyRequest, reply: FastifyReply): string | undefined {
    if (!armed || EXEMPT_ROUTES.has(request.routeOptions.url ?? '')) return undefined
    reply.code(503)
      .header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS))
      .header('content-type', 'application/json; charset=utf-8')
    return OVERLOADED
  }

  await fastify.register(underPressure, {
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    maxEventLoopUtilization: MAX_EVENT_LOOP_UTILIZATION,
    // The share of the last interval, not since start-up: a busy start must not count for ever.
    eventLoopUtilizationMode: 'interval',
    sampleInterval: SAMPLE_INTERVAL_MS,
    retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
    // It sends any value the handler returns (its README says so; its types only say void).
    pressureHandler: refuse as unknown as NonNullable<FastifyUnderPressureOptions['pressureHandler']>
  })
}, { name: 'under-pressure', dependencies: ['config'] })

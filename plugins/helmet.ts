import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/**
 * The defaults suit a JSON API; the CSP allows only same-origin scripts and styles, which the
 * static demo page uses (no inline script, no CDN). No upgrade-insecure-requests: on a plain-HTTP
 * host other than localhost (a LAN address during development) it would make browsers fetch the
 * demo's and the docs' files over https, which is not there.
 */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: null
    }
  }
}

/**
 * The headers helmet sets with these options, computed once: helmet's middleware on a
 * recording response. Every value here is static (no nonce, no per-request directive).
 */
export function securityHeaders (options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader (name: string, value: string | number) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { headers[name.toLowerCase()] = '' }
  }
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined && error !== null) throw error
  })
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''))
}

/**
 * Security headers on every reply, from the `helmet` library. @fastify/helmet would build
 * helmet's middleware again on every request (options merged, CSP validated and serialised);
 * the benchmark measured that as the largest cost of a protected request after the signature
 * check. With static options the result never changes, so it is computed at start-up and set
 * in one hook. Fastify sends no X-Powered-By, which helmet's middleware would remove.
 */
export default fp(async (fastify) => {
  const headers = securityHeaders()
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}, { name: 'helmet', dependencies: ['config'] })

import { isIP } from 'node:net'
import fp from 'fastify-plugin'

/** The longest IPv6 text form ("ffff:…:ffff:255.255.255.255"). */
const MAX_IP_CHARS = 45

/**
 * A bare IPv4 or IPv6 address. No zone ID ("fe80::1%eth0"): it names an interface of the host
 * that wrote it, means nothing here, and Node accepts one of any length, which a storage column
 * could not hold.
 */
export function isPlainIp (value: string): boolean {
  return value.length <= MAX_IP_CHARS && !value.includes('%') && isIP(value) !== 0
}

/**
 * The X-Forwarded-For entries a proxy chain can vouch for: those to the right of the rightmost
 * entry that is not a bare IP address ("garbage", "1.2.3.4:80", "[::1]"). Every entry left of
 * such a one came through a hop that does not write addresses, so none of them is believed;
 * with nothing left, request.ip is the TCP peer's address. Returns null when all are valid.
 */
export function trustworthyForwardedFor (header: string): string | null {
  const entries = header.split(',').map((entry) => entry.trim())
  let firstTrusted = entries.length
  while (firstTrusted > 0 && isPlainIp(entries[firstTrusted - 1] as string)) firstTrusted--
  if (firstTrusted === 0) return null
  return entries.slice(firstTrusted).join(', ')
}

/**
 * With TRUST_PROXY set, request.ip comes from X-Forwarded-For (Fastify reads it on every access).
 * A value that is not an IP address would otherwise become the client address that rate limits
 * count, sessions store and the audit records. This app-level hook runs before every route's
 * own hooks (rate limits, guards) and handler, and removes what cannot be believed before any of
 * them reads request.ip.
 */
export default fp(async (fastify) => {
  const { TRUST_PROXY } = fastify.config
  if (TRUST_PROXY === undefined || TRUST_PROXY === 'false') return
  fastify.addHook('onRequest', (request, _reply, done) => {
    const headers = request.raw.headers
    const header = headers['x-forwarded-for']
    if (header !== undefined) {
      const forwarded = Array.isArray(header) ? header.join(',') : header
      const trustworthy = trustworthyForwardedFor(forwarded)
      if (trustworthy === '') delete headers['x-forwarded-for']
      else if (trustworthy !== null) headers['x-forwarded-for'] = trustworthy
    }
    done()
  })
}, { name: 'client-address', dependencies: ['config'] })

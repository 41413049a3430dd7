import { isIP } from 'node:net'
import type { FastifyRequest } from 'fastify'

/** Query parameters whose values never reach a log line: credentials and tokens a client put in a URL. */
export const REDACTED_QUERY_PARAMETERS = new Set(['access_token', 'refresh_token', 'id_token', 'token', 'password', 'client_secret', 'code'])

/**
 * The URL with the value of every sensitive query parameter replaced by "[redacted]", matched
 * case-insensitively and after percent-decoding of the name (`%74oken=` is `token=`). The rest of
 * the URL is left as it came, so a log line still shows what was asked for.
 */
export function redactUrl (url: string): string {
  const question = url.indexOf('?')
  if (question === -1) return url
  const query = url.slice(question + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=')
    const rawName = equals === -1 ? pair : pair.slice(0, equals)
    return REDACTED_QUERY_PARAMETERS.has(decodeName(rawName).toLowerCase()) ? `${rawName}=[redacted]` : pair
  })
  return `${url.slice(0, question)}?${query.join('&')}`
}

function decodeName (name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).trim()
  } catch {
    return name
  }
}

/**
 * Fastify's own request log fields, with the URL redacted and only a valid IP as the address.
 * Anything may be logged as `req`, so every field is read defensively.
 */
export function serializeRequest (request: FastifyRequest) {
  const { ip, url, headers, socket } = request as Partial<FastifyRequest>
  const version = headers?.['accept-version']
  return {
    method: request.method,
    url: typeof url === 'string' ? redactUrl(url) : url,
    version: Array.isArray(version) ? version.join(',') : version,
    host: request.host,
    remoteAddress: typeof ip === 'string' && isIP(ip) !== 0 ? ip : socket?.remoteAddress,
    remotePort: socket?.remotePort
  }
}

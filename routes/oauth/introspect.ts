import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IntrospectionReply, oauthErrorReplies, TokenReference } from '../../schemas/oauth.js'

const BASIC = /^\s*basic\s+([A-Za-z0-9+/]+=*)\s*$/i

/** RFC 6749 section 2.3.1: client id and secret are form-urlencoded inside the Basic credentials. */
function formDecode (value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return null // malformed percent-encoding: not a client of ours
  }
}

function clientCredentials (authorization: string | undefined): [string, string] | null {
  const encoded = BASIC.exec(authorization ?? '')?.[1]
  const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const id = formDecode(decoded.slice(0, colon))
  const secret = formDecode(decoded.slice(colon + 1))
  return colon < 1 || id === null || secret === null ? null : [id, secret]
}

/** RFC 7662: for resource servers holding a client id and secret from INTROSPECTION_CLIENTS. */
const introspect: FastifyPluginAsyncTypebox = async (fastify) => {
  const { oauth } = fastify

  fastify.post('/introspect', {
    schema: {
      tags: ['oauth'],
      summary: 'RFC 7662 introspection, for clients listed in INTROSPECTION_CLIENTS',
      security: [{ basicAuth: [] }],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: TokenReference,
      response: { 200: IntrospectionReply, ...oauthErrorReplies(400, 401, 429, 503) }
    },
    onRequest: async (request) => {
      oauth.authenticateIntrospectionClient(clientCredentials(request.headers.authorization), request.ip)
    }
  }, async (request) => {
    const { token, token_type_hint: hint } = request.body
    return oauth.introspect(token, hint === 'access_token' || hint === 'refresh_token' ? hint : undefined)
  })
}

export default introspect

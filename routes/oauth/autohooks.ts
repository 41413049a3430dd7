import formBody from '@fastify/formbody'
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { OAuthError } from '../../services/errors.js'

/** Domain codes that mean "the grant (credentials or refresh token) is not valid". */
const INVALID_GRANT = new Set(['invalid_credentials', 'account_disabled', 'invalid_refresh_token', 'refresh_token_superseded', 'refresh_token_reused'])

/** What an error becomes on the OAuth endpoints: status and RFC 6749 section 5.2 code. */
function toOAuthError (error: FastifyError): { status: number, code: string, description: string } {
  if (error instanceof OAuthError) return { status: error.statusCode, code: error.code, description: error.message }
  const code = typeof error.code === 'string' ? error.code : ''
  // EMAIL_VERIFICATION=required: the password was right; the client must show the user what to do.
  if (code === 'email_not_verified') return { status: 403, code, description: error.message }
  if (INVALID_GRANT.has(code)) return { status: 400, code: 'invalid_grant', description: error.message }
  if (code === 'FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER') return { status: 401, code: 'invalid_client', description: 'Malformed HTTP Basic credentials' }
  if (code === 'storage_unavailable' || code === 'overloaded') return { status: 503, code: 'temporarily_unavailable', description: error.message }
  const status = error.statusCode ?? 500
  if (status === 429) return { status, code: /^[a-z_]+$/.test(code) ? code : 'rate_limited', description: error.message }
  if (status === 413) return { status, code: 'invalid_request', description: 'Request body too large' }
  if (error.validation !== undefined || (status >= 400 && status < 500)) {
    return { status: 400, code: 'invalid_request', description: error.validation !== undefined ? error.message : 'Malformed request' }
  }
  return { status: 500, code: 'server_error', description: 'Internal Server Error' }
}

/**
 * Everything under /oauth: form-encoded bodies (RFC 6749 section 4.3), errors in the RFC's own
 * shape, and no caching of anything that may carry a token.
 */
const oauthContext: FastifyPluginAsync = async (fastify) => {
  await fastify.register(formBody, { bodyLimit: 16 * 1024 })
  fastify.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
  })
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, description } = toOAuthError(error)
    if (status >= 500) request.log.error({ err: error }, 'oauth request failed')
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
    if (status === 401) reply.header('www-authenticate', 'Basic realm="oauth", charset="UTF-8"')
    else reply.removeHeader('www-authenticate')
    reply.code(status).send({ error: code, error_description: description })
  })
}

export default oauthContext

import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** Stable codes for errors raised by Fastify itself or its plugins, by status. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  431: 'headers_too_large',
  503: 'service_unavailable'
}

const OUR_CODE = /^[a-z][a-z_]*$/

/**
 * Every error becomes `{ statusCode, error, message, code }`. 5xx replies never carry internals;
 * 401 replies always carry a challenge.
 */
function replyToError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let statusCode = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
  let code = typeof error.code === 'string' && OUR_CODE.test(error.code) ? error.code : (CODE_BY_STATUS[statusCode] ?? 'internal_error')
  let message = error.message

  if (error.validation !== undefined) {
    statusCode = 400
    code = 'invalid_request'
  } else if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    statusCode = 400
    code = 'invalid_json'
    message = 'Body is not valid JSON'
  } else if (error.code === 'FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER') {
    code = 'invalid_authorization_header'
  }

  if (statusCode >= 500) {
    if (code === 'storage_unavailable') request.log.warn({ err: error }, 'storage unavailable')
    else if (code === 'overloaded') request.log.warn('overloaded: answered 503 with Retry-After')
    else request.log.error({ err: error }, 'request failed')
    if (code !== 'storage_unavailable' && code !== 'service_unavailable' && code !== 'overloaded') {
      code = 'internal_error'
      message = 'Internal Server Error'
    }
  }
  if (statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', challenge(code))
  const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
  reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code })
}

function replyToNotFound (request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({
    statusCode: 404,
    error: 'Not Found',
    message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
    code: 'not_found'
  })
}

function challenge (code: string): string {
  if (code === 'invalid_credentials') return 'Basic realm="auth", charset="UTF-8"'
  return `Bearer realm="api", error="${code === 'invalid_token' ? 'invalid_token' : 'invalid_request'}"`
}

/** JSON error and 404 replies for the whole app (fastify-plugin: applies at the root). */
export default fp(async (fastify) => {
  fastify.setErrorHandler(replyToError)
  fastify.setNotFoundHandler(replyToNotFound)
}, { name: 'error-handler' })

import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { InvalidAccessTokenError } from '../services/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: accepts only a valid, unrevoked Bearer access token in the Authorization header. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i

/**
 * The guard. Per request: a header match, a cached signature check and a Map lookup by session
 * id. No storage call. Route folders opt in through their autohooks.ts.
 */
export default fp(async (fastify) => {
  const { tokens, revocations } = fastify

  fastify.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization
    const match = header === undefined ? null : BEARER.exec(header)
    if (match === null) throw new InvalidAccessTokenError('Missing or malformed Bearer token in the Authorization header')
    const claims = tokens.verifyAccessToken(match[1] as string)
    if (revocations.isRevoked(claims.sid)) throw new InvalidAccessTokenError()
    request.user = claims
  })
}, { name: 'authenticate', dependencies: ['services'] })

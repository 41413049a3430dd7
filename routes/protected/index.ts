import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorReplies } from '../../schemas/common.js'

const Greeting = Type.Object({ message: Type.String(), user_id: Type.String() })

const EchoBody = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 1000 })
}, { additionalProperties: false })

/** Example protected module (the original template's /protected1 and /protected2). */
const protectedRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const unauthorized = errorReplies(401)

  fastify.get('/hello', {
    schema: { response: { 200: Greeting, ...unauthorized } }
  }, async (request) => ({ message: 'Hello from a protected route', user_id: request.user.sub }))

  fastify.get('/hello2', {
    schema: { response: { 200: Greeting, ...unauthorized } }
  }, async (request) => ({ message: 'Hello again from another protected route', user_id: request.user.sub }))

  fastify.post('/echo', {
    schema: {
      body: EchoBody,
      response: {
        200: Type.Object({ message: Type.String(), user_id: Type.String(), received_at: Type.String({ format: 'date-time' }) }),
        ...errorReplies(400, 401, 415)
      }
    }
  }, async (request) => ({ message: request.body.message, user_id: request.user.sub, received_at: new Date().toISOString() }))
}

export default protectedRoutes

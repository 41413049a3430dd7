import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { BEARER, errorReplies } from '../../schemas/common.js'

const Greeting = Type.Object({ message: Type.String(), user_id: Type.String() }, {
  description: 'A greeting for the caller',
  examples: [{ message: 'Hello from a protected route', user_id: '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11' }]
})

const EchoBody = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 1000 })
}, { additionalProperties: false, examples: [{ message: 'hi' }] })

/** Example protected module (the original template's /protected1 and /protected2). */
const protectedRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const unauthorized = errorReplies(401)

  fastify.get('/hello', {
    schema: { tags: ['protected'], summary: 'Example protected route', security: BEARER, response: { 200: Greeting, ...unauthorized } }
  }, async (request) => ({ message: 'Hello from a protected route', user_id: request.user.sub }))

  fastify.get('/hello2', {
    schema: { tags: ['protected'], summary: 'Another example protected route', security: BEARER, response: { 200: Greeting, ...unauthorized } }
  }, async (request) => ({ message: 'Hello again from another protected route', user_id: request.user.sub }))

  fastify.post('/echo', {
    schema: {
      tags: ['protected'],
      summary: 'Example protected route with a validated JSON payload',
      security: BEARER,
      body: EchoBody,
      response: {
        200: Type.Object({ message: Type.String(), user_id: Type.String(), received_at: Type.String({ format: 'date-time' }) }, {
          description: 'The message, echoed',
          examples: [{ message: 'hi', user_id: '7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11', received_at: '2026-11-26T12:00:00.000Z' }]
        }),
        ...errorReplies(400, 401, 415)
      }
    }
  }, async (request) => ({ message: request.body.message, user_id: request.user.sub, received_at: new Date().toISOString() }))
}

export default protectedRoutes

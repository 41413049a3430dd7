import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'

const PublicGreeting = Type.Object({
  message: Type.String(),
  user_id: Type.Null({ description: 'Always null: no token is read on a public route' })
}, {
  description: 'A greeting for anyone',
  examples: [{ message: 'Hello from a public route', user_id: null }]
})

/**
 * Example public module, the counterpart of routes/protected/: no guard, so anyone may call it.
 * Its reply has the protected greeting's shape, which makes it the like-for-like public route
 * the benchmark compares the protected route with.
 */
const publicRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/hello', {
    schema: { tags: ['public'], summary: 'Example public route', response: { 200: PublicGreeting } }
  }, async () => ({ message: 'Hello from a public route', user_id: null }))
}

export default publicRoutes

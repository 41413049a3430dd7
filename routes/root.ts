import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorReplies } from '../schemas/common.js'
import { readPackageInfo } from '../services/package-info.js'

/** Public routes: what this service is, liveness and readiness. */
const root: FastifyPluginAsyncTypebox = async (fastify) => {
  const { name, version } = readPackageInfo()
  const index = {
    name,
    version,
    links: {
      health: '/health',
      ready: '/ready',
      register: '/auth/register',
      login: '/auth/login',
      refresh: '/auth/refresh',
      logout: '/auth/logout',
      logout_all: '/auth/logout-all',
      me: '/auth/me',
      public: '/public/hello',
      protected: '/protected/hello',
      docs: '/docs',
      demo: '/demo/'
    }
  }

  fastify.get('/', {
    schema: {
      tags: ['service'],
      summary: 'Service name, version and links',
      response: {
        200: Type.Object({
          name: Type.String(),
          version: Type.String(),
          links: Type.Record(Type.String(), Type.String())
        }, { description: 'What this service is', examples: [{ name: 'fastify-jwt-auth-server', version: '1.0.0', links: { login: '/auth/login' } }] })
      }
    }
  }, async () => index)

  fastify.get('/health', {
    schema: { tags: ['service'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }, { description: 'Alive', examples: [{ status: 'ok' }] }) } }
  }, async () => ({ status: 'ok' as const }))

  fastify.get('/ready', {
    schema: {
      tags: ['service'],
      summary: 'Readiness: 200 when storage answers',
      response: { 200: Type.Object({ status: Type.Literal('ready') }, { description: 'Ready', examples: [{ status: 'ready' }] }), ...errorReplies(503) }
    }
  }, async () => {
    await fastify.store.ping()
    return { status: 'ready' as const }
  })
}

export default root

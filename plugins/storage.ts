import fp from 'fastify-plugin'
import { createMemoryStore } from '../services/storage/memory.js'
import type { Store } from '../services/storage/types.js'
import { parseStorageUrl } from '../services/storage/url.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

/** Picks the adapter from STORAGE_URL and closes it with the server. */
export default fp(async (fastify) => {
  const target = parseStorageUrl(fastify.config.STORAGE_URL)
  let store: Store
  switch (target.kind) {
    case 'memory':
      store = createMemoryStore()
      break
    default:
      throw new Error(`STORAGE_URL: the ${target.kind} adapter is not available yet`)
  }
  fastify.decorate('store', store)
  fastify.addHook('onClose', () => store.close())
  fastify.log.info({ storage: target.kind }, 'storage ready')
}, { name: 'storage', dependencies: ['config'] })

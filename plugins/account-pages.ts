import fastifyStatic from '@fastify/static'
import fp from 'fastify-plugin'
import { publicRoot } from './demo.js'

/** public/account/ of the project, found like public/demo/ (from the sources and from dist/); null when absent. */
export const accountPagesRoot = (from?: string): string | null => publicRoot('account', from)

/**
 * The account page at /account/: the page that links in mail open
 * (`/account/#action=verify|reset|change&token=...`). It is static: the token travels in the
 * URL fragment, which browsers never send to a server, and the page spends it only with a POST
 * after the user clicks. So a GET here (a mail scanner prefetching the link) cannot consume
 * anything: there is no GET route that reads a token at all.
 *
 * It keeps the global policy (plugins/helmet.ts): scripts, styles and fetches from this origin
 * only, and `Referrer-Policy: no-referrer`, so nothing the page links to learns its URL.
 */
export default fp(async (fastify) => {
  const root = accountPagesRoot()
  if (root === null) {
    fastify.log.warn('account page not served: no public/account/index.html next to package.json')
    return
  }
  await fastify.register(async (account) => {
    // The fragment survives the redirect: browsers keep it when the Location has none.
    account.get('/account', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/account/', 302))
    await account.register(fastifyStatic, {
      root,
      prefix: '/account/',
      decorateReply: false,
      index: ['index.html'],
      wildcard: false,
      cacheControl: true,
      maxAge: 0
    })
  })
}, { name: 'account-pages', dependencies: ['config', 'helmet'] })

import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fastifyStatic from '@fastify/static'
import fp from 'fastify-plugin'

/**
 * public/account/ of the project, found like public/demo/ (plugins/demo.ts): from the nearest
 * folder above `from` that holds package.json, so from the sources and from dist/ alike; null
 * when there is none, or it holds no public/account/index.html.
 */
export function accountPagesRoot (from = import.meta.dirname): string | null {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
  const root = join(dir, 'public', 'account')
  return existsSync(join(root, 'index.html')) ? root : null
}

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

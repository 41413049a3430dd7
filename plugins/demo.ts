import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyReply } from 'fastify'
import fp from 'fastify-plugin'

/**
 * public/<folder>/ of the project: found from the nearest folder above `from` that holds
 * package.json (so from the sources and from dist/ alike); null when there is none, or it
 * holds no public/<folder>/index.html. Shared with the account page (plugins/account-pages.ts).
 */
export function publicRoot (folder: string, from = import.meta.dirname): string | null {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
  const root = join(dir, 'public', folder)
  return existsSync(join(root, 'index.html')) ? root : null
}

/** public/demo/ of the project, or null (see publicRoot). */
export const demoRoot = (from = import.meta.dirname): string | null => publicRoot('demo', from)

/**
 * The demo page's policy: the global CSP (plugins/helmet.ts) with two changes. Its scripts may
 * call an API on another origin (the page's "API base URL" field): connect-src gains http: and
 * https:. And no upgrade-insecure-requests: on a plain-HTTP host other than localhost it makes
 * the browser fetch demo.js and demo.css over https, which breaks the page; served over https,
 * the page's relative URLs are https anyway. Scripts and styles stay 'self' only.
 */
export function demoCsp (csp: string): string {
  let found = false
  const directives: string[] = []
  for (const directive of csp.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/)
    if (name === 'upgrade-insecure-requests') continue
    if (name === 'connect-src') {
      found = true
      directives.push(['connect-src', ...sources, 'http:', 'https:'].join(' '))
    } else {
      directives.push(directive)
    }
  }
  if (!found) directives.push("connect-src 'self' http: https:")
  return directives.join(';')
}

/**
 * The static demo page at /demo/ (public/demo/: index.html, demo.js, demo.css; no build step,
 * no CDN). It walks through register, login, protected calls, refresh and logout against this
 * server, or against another one whose CORS_ORIGINS lists this page's origin.
 */
export default fp(async (fastify) => {
  const root = demoRoot()
  // A deployment that ships dist/ without public/ still starts: it just has no demo page.
  if (root === null) {
    fastify.log.warn('demo page not served: no public/demo/index.html next to package.json')
    return
  }
  // Encapsulated: the hooks below and the static routes stay inside /demo.
  await fastify.register(async (demo) => {
    demo.addHook('onSend', async (_request, reply: FastifyReply, payload) => {
      const csp = reply.getHeader('content-security-policy')
      if (typeof csp === 'string') reply.header('content-security-policy', demoCsp(csp))
      return payload
    })
    demo.get('/demo', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/demo/', 302))
    await demo.register(fastifyStatic, {
      root,
      prefix: '/demo/',
      decorateReply: false,
      index: ['index.html'],
      wildcard: false,
      cacheControl: true,
      maxAge: 0
    })
  })
}, { name: 'demo', dependencies: ['config', 'helmet'] })

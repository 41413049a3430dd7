import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import t, { type Test } from 'tap'
import { accountPagesRoot } from '../../plugins/account-pages.js'
import { bearer, build, login } from '../helper.js'
import { buildWithMail, registerWithEmail, uniqueEmail } from '../mail/app.js'

const PROJECT_ROOT = join(import.meta.dirname, '..', '..')
const FILES = ['index.html', 'account.js', 'account.css']
const TYPES: Record<string, RegExp> = { 'index.html': /^text\/html/, 'account.js': /^(text|application)\/javascript/, 'account.css': /^text\/css/ }

/** The CSP as a map: directive -> sources. */
function directives (header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name, sources)
  }
  return map
}

t.test('account page - /account redirects to /account/, which serves the page', async (t) => {
  const app = await build(t)
  const redirect = await app.inject('/account')
  t.equal(redirect.statusCode, 302)
  t.equal(redirect.headers.location, '/account/', 'no fragment or query in the Location: the browser keeps the link\'s fragment')
  const page = await app.inject('/account/')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, '<script type="module" src="account.js"></script>')
  t.equal((await app.inject('/account/index.html')).body, page.body)
})

t.test('account page - every file has the strict CSP, no-referrer and nosniff', async (t) => {
  const app = await build(t)
  for (const file of FILES) {
    const res = await app.inject(`/account/${file}`)
    t.equal(res.statusCode, 200, file)
    t.match(res.headers['content-type'], TYPES[file] as RegExp, `${file} content type`)
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${file}: the page's URL is never sent as a Referer`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', file)
    const csp = directives(res.headers['content-security-policy'])
    t.same(csp.get('default-src'), ["'self'"], file)
    t.same(csp.get('script-src'), ["'self'"], `${file}: scripts from this origin only`)
    t.same(csp.get('script-src-attr'), ["'none'"], `${file}: no inline event handlers`)
    t.same(csp.get('style-src'), ["'self'"], file)
    t.same(csp.get('connect-src'), ["'self'"], `${file}: the page talks to its own server only (unlike the demo)`)
    t.same(csp.get('form-action'), ["'self'"], file)
    t.same(csp.get('frame-ancestors'), ["'none'"], `${file}: cannot be framed (no clickjacked confirm button)`)
    t.notMatch(String(res.headers['content-security-policy']), /unsafe/, `${file}: nothing unsafe`)
  }
})

t.test('account page - no inline code, nothing external, no token stored or sent by GET', async (t) => {
  const app = await build(t)
  const [html, js, css] = await Promise.all(FILES.map(async (file) => (await app.inject(`/account/${file}`)).body))
  const scripts = [...(html ?? '').matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
  t.equal(scripts.length, 1, 'one script')
  t.match(scripts[0]?.[1], /\bsrc="account\.js"/, 'the script is a file')
  t.equal(scripts[0]?.[2]?.trim(), '', 'with no inline code')
  t.notMatch(html, /<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:/i, 'no inline style, handler or javascript: URL')
  t.match(html, /<meta name="referrer" content="no-referrer">/, 'no-referrer also when the page is saved and opened elsewhere')
  for (const [name, text] of [['index.html', html], ['account.js', js], ['account.css', css]] as const) {
    t.notMatch(text, /\b(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i, `${name}: no external URL`)
  }
  t.notMatch(css, /@import|url\(/i, 'the stylesheet loads nothing')
  t.notMatch(js, /localStorage|sessionStorage|document\.cookie|innerHTML|eval\(|new Function|\bimport\b/, 'account.js stores nothing, writes no HTML, loads nothing')
  t.match(js, /history\.replaceState\(/, 'the token is taken out of the address bar')
  t.notMatch(js, /method: 'GET'|location\.search/, 'no token is read from or sent in a query string')
  t.match(js, /method: 'POST'/, 'the token is spent by a POST')
})

t.test('account page - only the page\'s files, only GET', async (t) => {
  const app = await build(t)
  for (const url of ['/account/nope.js', '/account/../package.json', '/account/%2e%2e/package.json', '/account/..%2fapp.ts', '/account/verify']) {
    const res = await app.inject(url)
    t.ok(res.statusCode === 404 || res.statusCode === 403, `${url} -> ${res.statusCode}`)
    t.notMatch(res.body, /"dependencies"|import /, `${url} leaks nothing`)
  }
  for (const method of ['POST', 'PUT', 'DELETE'] as const) {
    t.equal((await app.inject({ method, url: '/account/', payload: { token: 'x' } })).statusCode, 404, `${method} /account/ is not a route`)
  }
  t.same(readdirSync(join(PROJECT_ROOT, 'public', 'account')).sort(), [...FILES].sort(), 'public/account/ holds the page, its script and its stylesheet')
  t.equal(accountPagesRoot(join(PROJECT_ROOT, 'dist', 'plugins')), join(PROJECT_ROOT, 'public', 'account'), 'found from dist/ too')
  t.equal(accountPagesRoot('/'), null, 'no package.json above: no page')
})

t.test('account page - a server without public/account/ starts, warns, and has no /account/', async (t) => {
  const { default: accountPages } = await t.mockImport<typeof import('../../plugins/account-pages.js')>('../../plugins/account-pages.js', {
    '../../plugins/demo.js': { publicRoot: () => null }
  })
  const warnings: string[] = []
  const app = Fastify()
  t.teardown(() => app.close())
  app.log.warn = ((message: string) => { warnings.push(message) }) as typeof app.log.warn
  await app.register(fp(async () => {}, { name: 'config' }))
  await app.register(fp(async () => {}, { name: 'helmet' }))
  await app.register(accountPages)
  await app.ready()
  t.equal((await app.inject('/account/')).statusCode, 404)
  t.match(warnings, [/account page not served/])
})

/** Every way a scanner or a careless client could GET a mailed token: none may spend it. */
function prefetches (link: string, token: string): string[] {
  const fragment = link.slice(link.indexOf('/account/'))
  return [
    fragment,
    `/account/?token=${token}`,
    `/account/?action=verify&token=${token}`,
    `/account/index.html?token=${token}`,
    `/account/${token}`,
    `/account?token=${token}`,
    `/auth/email/verify?token=${token}`,
    `/auth/password/reset?token=${token}`,
    `/auth/email/change/confirm?token=${token}`
  ]
}

async function prefetchAll (t: Test, app: FastifyInstance, link: string, token: string) {
  for (const url of prefetches(link, token)) {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url })
      t.ok([200, 302, 404].includes(res.statusCode), `${method} ${url.replace(token, '<token>')} -> ${res.statusCode}`)
    }
  }
}

t.test('account page - GET of a mailed link, in any form, consumes nothing: the token works afterwards', async (t) => {
  const logLines: string[] = []
  const { app, smtp } = await buildWithMail(t, { logLines })
  const user = await registerWithEmail(app)
  const verify = await smtp.next(user.email)
  t.equal(verify.action, 'verify')
  await prefetchAll(t, app, verify.link ?? '', verify.token ?? '')
  t.ok(logLines.length > 0, 'the requests were logged')
  // (A token put in a path, /account/<token>, is logged as the URL: links never have that form.)
  t.notOk(logLines.some((line) => line.includes(`token=${verify.token ?? 'none'}`)), 'no log line holds the token from a query string or fragment')
  const verified = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: verify.token } })
  t.equal(verified.statusCode, 200, 'verify: the token still works after every GET')

  t.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })).statusCode, 202)
  const reset = await smtp.next(user.email)
  t.equal(reset.action, 'reset')
  await prefetchAll(t, app, reset.link ?? '', reset.token ?? '')
  const resetDone = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: 'a new passphrase after prefetching' } })
  t.ok(resetDone.statusCode === 200 || resetDone.statusCode === 204, `reset: the token still works after every GET (${resetDone.statusCode})`)

  const { access_token: accessToken } = await login(app, user.username, 'a new passphrase after prefetching')
  const newEmail = uniqueEmail('moved')
  const change = await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(accessToken), payload: { new_email: newEmail, current_password: 'a new passphrase after prefetching' } })
  t.equal(change.statusCode, 202)
  const confirm = await smtp.next(newEmail)
  t.equal(confirm.action, 'change')
  await prefetchAll(t, app, confirm.link ?? '', confirm.token ?? '')
  const changed = await app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token: confirm.token } })
  t.equal(changed.statusCode, 200, 'change: the token still works after every GET')
  t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: verify.token } })).statusCode, 400, 'and each token works once (this test can fail)')
})

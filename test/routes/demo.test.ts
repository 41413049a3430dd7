import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import { demoCsp, demoRoot } from '../../plugins/demo.js'
import { build } from '../helper.js'

const PROJECT_ROOT = join(import.meta.dirname, '..', '..')
/** Load shedding off: these tests check the files, not a 503 from a busy test machine. */
const env = { MAX_EVENT_LOOP_DELAY_MS: '0' }
const FILES = ['index.html', 'demo.js', 'demo.css', 'account-flows.js', 'mfa.js', 'passkey-json.js']

/** The CSP as a map: directive -> sources. */
function directives (header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name, sources)
  }
  return map
}

t.test('demo page - /demo redirects to /demo/, which serves index.html', async (t) => {
  const app = await build(t, { env })
  const redirect = await app.inject('/demo')
  t.equal(redirect.statusCode, 302)
  t.equal(redirect.headers.location, '/demo/')

  const page = await app.inject('/demo/')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, '<script type="module" src="demo.js"></script>')
  t.match(page.body, '<link rel="stylesheet" href="demo.css">')
  t.equal((await app.inject('/demo/index.html')).body, page.body)
})

t.test('demo page - every file is served with the CSP: scripts and styles from self only', async (t) => {
  const app = await build(t, { env })
  const script = /^(text|application)\/javascript/
  const types: Record<string, RegExp> = { 'index.html': /^text\/html/, 'demo.js': script, 'demo.css': /^text\/css/, 'account-flows.js': script, 'mfa.js': script, 'passkey-json.js': script }
  for (const file of FILES) {
    const res = await app.inject(`/demo/${file}`)
    t.equal(res.statusCode, 200, res.statusCode === 200 ? file : `${file}: ${res.body}`)
    t.match(res.headers['content-type'], types[file] as RegExp, `${file} content type`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', file)
    const csp = directives(res.headers['content-security-policy'])
    t.same(csp.get('script-src'), ["'self'"], `${file}: script-src 'self' only`)
    t.same(csp.get('style-src'), ["'self'"], `${file}: style-src 'self' only`)
    t.same(csp.get('script-src-attr'), ["'none'"], `${file}: no inline event handlers`)
    t.same(csp.get('default-src'), ["'self'"], file)
    t.same(csp.get('frame-ancestors'), ["'none'"], file)
    t.same(csp.get('connect-src'), ["'self'", 'http:', 'https:'], `${file}: the page may call an API on another origin`)
    t.notMatch(String(res.headers['content-security-policy']), /unsafe/, `${file}: nothing unsafe`)
    t.notOk(csp.has('upgrade-insecure-requests'), `${file}: works on a plain-HTTP host`)
  }
  // The wider connect-src is the demo's only: the API keeps the global policy, which has no
  // upgrade-insecure-requests either (plugins/helmet.ts).
  const api = directives((await app.inject('/health')).headers['content-security-policy'])
  t.same(api.get('connect-src'), ["'self'"])
  t.notOk(api.has('upgrade-insecure-requests'))
  t.match(api.get('default-src'), ["'self'"])
})

t.test('demo page - no inline script or style, no external URL, no storage of tokens', async (t) => {
  const app = await build(t, { env })
  const html = (await app.inject('/demo/')).body
  const js = (await app.inject('/demo/demo.js')).body
  const css = (await app.inject('/demo/demo.css')).body

  const accountFlows = (await app.inject('/demo/account-flows.js')).body
  const mfa = (await app.inject('/demo/mfa.js')).body
  const passkeyJson = (await app.inject('/demo/passkey-json.js')).body
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
  t.same(scripts.map(([, attributes]) => /\bsrc="([^"]+)"/.exec(attributes ?? '')?.[1]), ['demo.js', 'mfa.js', 'account-flows.js'], 'the page\'s scripts, each a file')
  for (const [, attributes, body] of scripts) {
    t.match(attributes, /\btype="module"/, 'the script is a module')
    t.equal(body?.trim(), '', 'and has no inline code')
  }
  t.notMatch(html, /<style\b/i, 'no <style> element')
  t.notMatch(html, /\sstyle\s*=/i, 'no style attribute')
  t.notMatch(html, /\son[a-z]+\s*=/i, 'no inline event handler')
  t.notMatch(html, /javascript:/i, 'no javascript: URL')

  for (const [name, text] of [['index.html', html], ['demo.js', js], ['demo.css', css], ['account-flows.js', accountFlows], ['mfa.js', mfa], ['passkey-json.js', passkeyJson]] as const) {
    t.notMatch(text, /\b(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i, `${name}: no external URL`)
    t.notMatch(text, /(src|href)\s*=\s*["']?(https?:)?\/\//i, `${name}: no absolute or protocol-relative src/href`)
  }
  t.notMatch(css, /@import|url\(/i, 'the stylesheet loads nothing')
  t.notMatch(js, /\b(import\s*\(|import\s+[^(]|localStorage|sessionStorage|document\.cookie|innerHTML|eval\(|new Function)/, 'demo.js imports nothing, stores nothing, writes no HTML')
  t.match(js, /credentials: 'omit'/, 'no cookie is sent: tokens go in headers only')
  t.same([...accountFlows.matchAll(/\bimport\b[^\n]*/g)].map(([line]) => line), ["import { $, bearer, credentials, exchange, showResult } from './demo.js'"], 'account-flows.js imports demo.js only')
  for (const [name, text] of [['account-flows.js', accountFlows], ['mfa.js', mfa], ['passkey-json.js', passkeyJson]] as const) {
    t.notMatch(text, /localStorage|sessionStorage|document\.cookie|innerHTML|eval\(|new Function|fetch\(/, `${name} stores nothing, writes no HTML, and sends only through demo.js`)
  }
  t.same([...mfa.matchAll(/\bimport\b[^\n]*/g)].map(([line]) => line), [
    "import { $, bearer, credentials, exchange, keepPair, loginHooks, showResult, state } from './demo.js'",
    "import { authenticationJson, creationOptions, registrationJson, requestOptions } from './passkey-json.js'"
  ], 'mfa.js imports the page\'s own scripts only')
  t.notMatch(passkeyJson, /\bimport\b/, 'passkey-json.js imports nothing')
})

t.test('demo page - only the demo files are served', async (t) => {
  const app = await build(t, { env })
  for (const url of ['/demo/nope.js', '/demo/../package.json', '/demo/%2e%2e/package.json', '/demo/..%2fpackage.json', '/demo/%2e%2e%2fapp.ts']) {
    const res = await app.inject(url)
    t.ok(res.statusCode === 404 || res.statusCode === 403, `${url} -> ${res.statusCode}`)
    t.notMatch(res.body, /"dependencies"|fastify-jwt-auth-server/, `${url} leaks nothing`)
  }
  const post = await app.inject({ method: 'POST', url: '/demo/' })
  t.equal(post.statusCode, 404)
  t.same(readdirSync(join(PROJECT_ROOT, 'public', 'demo')).sort(), [...FILES].sort(), 'public/demo/ holds exactly the page, its scripts and its stylesheet')
})

t.test('demo page - the folder is found from the sources and from dist/', async (t) => {
  const expected = join(PROJECT_ROOT, 'public', 'demo')
  t.equal(demoRoot(join(PROJECT_ROOT, 'plugins')), expected)
  t.equal(demoRoot(join(PROJECT_ROOT, 'dist', 'plugins')), expected)
  t.equal(demoRoot(), expected)
  t.equal(demoRoot('/'), null, 'no package.json above: no demo page')
  const elsewhere = mkdtempSync(join(tmpdir(), 'demo-root-'))
  t.teardown(() => rmSync(elsewhere, { recursive: true, force: true }))
  writeFileSync(join(elsewhere, 'package.json'), '{}')
  mkdirSync(join(elsewhere, 'dist', 'plugins'), { recursive: true })
  t.equal(demoRoot(join(elsewhere, 'dist', 'plugins')), null, 'a package without public/demo/: no demo page')
})

t.test('demo page - a server without public/demo/ starts, warns, and has no /demo', async (t) => {
  const { default: demo } = await t.mockImport<typeof import('../../plugins/demo.js')>('../../plugins/demo.js', {
    'node:fs': { existsSync: () => false }
  })
  const warnings: string[] = []
  const app = Fastify()
  t.teardown(() => app.close())
  app.log.warn = ((message: string) => { warnings.push(message) }) as typeof app.log.warn
  await app.register(fp(async () => {}, { name: 'config' }))
  await app.register(fp(async () => {}, { name: 'helmet' }))
  await app.register(demo)
  await app.ready()
  t.equal((await app.inject('/demo/')).statusCode, 404)
  t.equal((await app.inject('/demo')).statusCode, 404)
  t.match(warnings, [/demo page not served/])
})

t.test('demo page - demoCsp widens connect-src, drops upgrade-insecure-requests, and changes nothing else', async (t) => {
  t.equal(demoCsp("default-src 'self';connect-src 'self';script-src 'self';upgrade-insecure-requests"), "default-src 'self';connect-src 'self' http: https:;script-src 'self'")
  t.equal(demoCsp("default-src 'self'"), "default-src 'self';connect-src 'self' http: https:", 'no connect-src: one is added')
})

import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import t, { type Test } from 'tap'
import { build } from '../helper.js'
import { CHROMIUM_PATH, chromiumInstalled } from './chromium.js'

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts')
/** Upper bound for anything the page does after a click (one request to a local server). */
const WAIT_MS = 10_000
const PASSWORD = 'a browser demo: password'
/** A whole compact JWT; the page must only ever show shortened ones. */
const FULL_JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/
/** Resolved to 127.0.0.1 by the browser only: a plain-HTTP origin that is not "potentially trustworthy". */
const OTHER_HOST = 'demo-host.internal'

interface Served { app: FastifyInstance, origin: string }

/** The app from test/helper.ts, listening on a free loopback port (a browser needs real HTTP). */
async function serve (t: Test, env: Record<string, string> = {}): Promise<Served> {
  // Load shedding off: a busy test machine must not turn a step into a 503 "overloaded".
  const app = await build(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '0', ...env } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
}

interface Logged { seq: number, status: string, method: string, path: string, url: string, requestHeaders: string, requestBody: string, responseBody: string }

/** The page and everything it complained about (CSP violations, uncaught errors). */
async function openDemo (t: Test, browser: Browser, url: string) {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
  t.teardown(() => context.close())
  // Runs before the page's own script, outside its CSP: records every violation of the policy.
  // (Browser code as text: this project's TypeScript has no DOM types.)
  await context.addInitScript(`
    const seen = []
    Object.defineProperty(window, '__cspViolations', { value: seen })
    document.addEventListener('securitypolicyviolation', (event) => { seen.push(event.violatedDirective + ' ' + event.blockedURI) })
  `)
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => { pageErrors.push(error.message) })
  page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) pageErrors.push(message.text()) })
  const response = await page.goto(url)
  t.equal(response?.status(), 200, `${url} answers 200`)
  await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS })
  let clicks = 0

  return {
    page,
    /** Clicks a step's button and resolves with the log entry of the exchange it made. */
    async step (button: string): Promise<Logged> {
      clicks += 1
      const before = await page.locator('#log > li').count()
      await page.click(`#btn-${button}`, { timeout: WAIT_MS })
      const entry = page.locator(`#log > li[data-seq="${before + 1}"]`)
      await entry.waitFor({ timeout: WAIT_MS })
      // The buttons are disabled while a request runs: the page is settled once they are back.
      await page.locator(`#btn-${button}:enabled`).waitFor({ timeout: WAIT_MS })
      const url = await entry.locator('.url').innerText()
      return {
        seq: before + 1,
        status: await entry.getAttribute('data-status') ?? '',
        method: await entry.getAttribute('data-method') ?? '',
        path: await entry.getAttribute('data-path') ?? '',
        url,
        requestHeaders: await entry.locator('.request-headers').innerText(),
        requestBody: await entry.locator('.request-body').count() === 0 ? '' : await entry.locator('.request-body').innerText(),
        responseBody: await entry.locator('.response-body').innerText()
      }
    },
    text: (selector: string) => page.locator(selector).innerText({ timeout: WAIT_MS }),
    async claims () {
      return {
        header: JSON.parse(await page.locator('#claims-header').innerText()) as Record<string, unknown>,
        payload: JSON.parse(await page.locator('#claims-payload').innerText()) as Record<string, unknown>
      }
    },
    async problems () {
      const violations = await page.evaluate('window.__cspViolations') as string[]
      return [...violations, ...pageErrors]
    },
    get clicks () { return clicks }
  }
}

if (chromiumInstalled(t)) {
  let browser: Browser
  t.before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
        // A host name that is not localhost, still on loopback: see the plain-HTTP host test.
        `--host-resolver-rules=MAP ${OTHER_HOST} 127.0.0.1`]
    })
  })
  t.teardown(() => browser?.close())

  t.test('demo page - should walk through the whole flow in a real browser, and show a refused call after logout', async (t) => {
    const { app, origin } = await serve(t)
    const demo = await openDemo(t, browser, `${origin}/demo`)
    const { page } = demo
    t.equal(page.url(), `${origin}/demo/`, '/demo redirects to /demo/')
    t.equal(await page.inputValue('#api-base'), origin, 'the API base URL defaults to the serving origin')
    t.equal(await page.evaluate('getComputedStyle(document.querySelector(".layout")).display'), 'grid', 'the stylesheet is applied')
    t.equal(await demo.text('#claims-label'), 'decoded, not verified')

    const username = `browser_${process.pid}`
    await page.fill('#username', username)
    await page.fill('#password', PASSWORD)

    // 1. register
    const registered = await demo.step('register')
    t.match(registered, { method: 'POST', path: '/auth/register', status: '201', url: `${origin}/auth/register` })
    t.match(await demo.text('#result-register'), /^201 Created/)
    t.match(registered.requestHeaders, /content-type: application\/json/)
    t.match(registered.requestBody, `"username": "${username}"`, 'the request body is shown')
    t.notMatch(registered.requestBody, PASSWORD, 'the password is masked in the log')
    const userId = (JSON.parse(registered.responseBody) as { id: string }).id
    t.match(userId, /\S/, 'the response body is shown')

    // 2. login with HTTP Basic
    const loggedIn = await demo.step('login')
    t.match(loggedIn, { method: 'POST', path: '/auth/login', status: '200' })
    t.match(loggedIn.requestHeaders, /^authorization: Basic \S{8}…\S{4} \(\d+ chars\)$/m, 'the Basic credentials are shortened')
    t.match(loggedIn.responseBody, /"token_type": "Bearer"/)
    t.match(loggedIn.responseBody, /"access_token": "eyJ[\w-]{7}…[\w-]{6} \(\d+ chars\)"/, 'tokens are shortened in the log')
    t.equal(await demo.text('#session-state'), 'active')
    const first = await demo.claims()
    t.match(first.header, { alg: 'HS256', typ: 'JWT' }, 'the decoded header is shown')
    t.match(first.payload, { sub: userId, typ: 'access', iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server', sid: String, jti: String, roles: Array }, 'the decoded payload is shown')
    t.match(await demo.text('#claims-times'), /expires \(exp\)\s+\d{4}-\d\d-\d\dT/, 'exp is shown as a date')

    // 3. protected routes
    const hello = await demo.step('hello')
    t.match(hello, { method: 'GET', path: '/protected/hello', status: '200' })
    t.match(hello.requestHeaders, /^authorization: Bearer eyJ[\w-]{5}…[\w-]{4} \(\d+ chars\)$/m, 'the Bearer token is shortened')
    t.same(JSON.parse(hello.responseBody), { message: 'Hello from a protected route', user_id: userId })
    t.match(await demo.text('#result-hello'), /^200 OK/)
    await page.fill('#echo-message', 'hello from chromium')
    const echo = await demo.step('echo')
    t.match(echo, { method: 'POST', path: '/protected/echo', status: '200' })
    t.match(JSON.parse(echo.requestBody), { message: 'hello from chromium' })
    t.match(JSON.parse(echo.responseBody), { message: 'hello from chromium', user_id: userId })
    const me = await demo.step('me')
    t.match(me, { path: '/auth/me', status: '200' })
    t.match(JSON.parse(me.responseBody), { id: userId, username, roles: Array })

    // 4. refresh: a new pair for the same session
    const refreshed = await demo.step('refresh')
    t.match(refreshed, { path: '/auth/refresh', status: '200' })
    t.match(refreshed.requestBody, /"refresh_token": "\S{10}…\S{6} \(\d+ chars\)"/, 'the refresh token is shortened in the request body')
    const second = await demo.claims()
    t.equal(second.payload.sid, first.payload.sid, 'same session after refresh')
    t.not(second.payload.jti, first.payload.jti, 'the page shows the new access token')
    t.equal((await demo.step('hello')).status, '200', 'the refreshed access token works')

    // 5. logout, then the same access token is refused, visibly
    const loggedOut = await demo.step('logout')
    t.match(loggedOut, { path: '/auth/logout', status: '204' })
    t.match(await demo.text('#session-state'), /^ended/)
    const refused = await demo.step('hello')
    t.match(refused, { path: '/protected/hello', status: '401' })
    t.match(JSON.parse(refused.responseBody), { statusCode: 401, code: 'invalid_token' })
    t.match(await demo.text('#result-hello'), /^401 Unauthorized/, 'the refusal is shown next to the button')
    t.match(await page.locator(`#log > li[data-seq="${refused.seq}"]`).getAttribute('class'), /\berror\b/, 'the refused exchange is marked as an error')
    t.match(await page.locator(`#log > li[data-seq="${refused.seq}"] .response-headers`).innerText(), /www-authenticate: Bearer/)
    t.equal((await demo.step('refresh')).status, '401', 'the refresh token of the ended session is refused too')

    // 6. log in again, log out everywhere, and /auth/me is refused
    t.equal((await demo.step('login')).status, '200')
    const third = await demo.claims()
    t.not(third.payload.sid, first.payload.sid, 'a new session')
    t.equal((await demo.step('me')).status, '200')
    t.match(await demo.step('logout-all'), { path: '/auth/logout-all', status: '204' })
    t.equal((await demo.step('me')).status, '401', '/auth/me is refused after logout-all')

    t.equal(await page.locator('#log > li').count(), demo.clicks, 'every exchange is in the log')
    const pageText = await page.locator('body').innerText()
    t.notMatch(pageText, FULL_JWT, 'no whole token on the page')
    t.notMatch(pageText, PASSWORD, 'no password on the page')
    t.same(await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })'),
      { local: 0, session: 0, cookie: '' }, 'tokens are kept in memory only')
    t.same(await demo.problems(), [], 'no CSP violation and no script error')

    // Cross-check with the server: the account the page made exists and every session is over.
    const check = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
    t.equal(check.statusCode, 200, 'the page registered the account it shows')

    await page.evaluate('window.scrollTo(0, 0)')
    await mkdir(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true })
  })

  t.test('demo page - should drive an API on another origin that lists the page\'s origin in CORS_ORIGINS', async (t) => {
    const pages = await serve(t)
    const api = await serve(t, { CORS_ORIGINS: pages.origin })
    const elsewhere = await serve(t, { CORS_ORIGINS: 'https://not-this-page.example' })
    t.not(api.origin, pages.origin)

    const demo = await openDemo(t, browser, `${pages.origin}/demo/`)
    const { page } = demo
    t.equal(await demo.text('#page-origin'), pages.origin, 'the page names its origin for CORS_ORIGINS')
    await page.fill('#api-base', `${api.origin}/`)
    const username = `cors_${process.pid}`
    await page.fill('#username', username)
    await page.fill('#password', PASSWORD)

    t.match(await demo.step('register'), { status: '201', url: `${api.origin}/auth/register` })
    t.match(await demo.step('login'), { status: '200', url: `${api.origin}/auth/login` })
    t.match((await demo.claims()).payload, { typ: 'access', sub: String })
    const hello = await demo.step('hello')
    t.match(hello, { status: '200', url: `${api.origin}/protected/hello` })
    t.match(JSON.parse(hello.responseBody), { message: 'Hello from a protected route' })
    t.same(await demo.problems(), [], 'the page\'s CSP lets it call the other origin')

    // The account lives on the API server, not on the server that served the page.
    const login = (app: FastifyInstance) => app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: PASSWORD } })
    t.equal((await login(api.app)).statusCode, 200)
    t.equal((await login(pages.app)).statusCode, 401)

    // A server whose CORS_ORIGINS does not list the page's origin: the browser refuses the reply.
    await page.fill('#api-base', elsewhere.origin)
    const blocked = await demo.step('hello')
    t.match(blocked, { status: '0', url: `${elsewhere.origin}/protected/hello` })
    t.match(blocked.responseBody, /CORS_ORIGINS/, 'the page explains what to configure')
    t.match(await demo.text('#result-hello'), 'network error')
  })

  t.test('demo page - should work on a plain-HTTP host other than localhost', async (t) => {
    const { app, origin } = await serve(t)
    const port = new URL(origin).port
    // Without the demo's own CSP, upgrade-insecure-requests would fetch demo.js over https here.
    const demo = await openDemo(t, browser, `http://${OTHER_HOST}:${port}/demo/`)
    t.equal(await demo.page.inputValue('#api-base'), `http://${OTHER_HOST}:${port}`)
    const username = `plain_${process.pid}`
    await demo.page.fill('#username', username)
    t.match(await demo.step('register'), { status: '201', url: `http://${OTHER_HOST}:${port}/auth/register` })
    t.match(await demo.step('login'), { status: '200' })
    t.match(await demo.step('hello'), { status: '200' })
    t.same(await demo.problems(), [])
    const password = await demo.page.inputValue('#password')
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })).statusCode, 200, 'the page used its own server')
  })
}

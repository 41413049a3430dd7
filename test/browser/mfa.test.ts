import { createServer, type AddressInfo } from 'node:net'
import { Secret, TOTP } from 'otpauth'
import { chromium, type Browser, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { build } from '../helper.js'
import { CHROMIUM_PATH, chromiumInstalled } from './chromium.js'

/** Upper bound for anything the page does after a click (requests to a local server, a virtual authenticator). */
const WAIT_MS = 10_000
const PASSWORD = 'a browser demo: second factors'

/** A port free right now: the app's WebAuthn origin names it, so it is known before the app is built. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * The app at http://localhost:<port>: WebAuthn needs a secure context and an RP ID that is the
 * page's host, and localhost is both (the default RP ID and origin follow from PORT). `shift`
 * moves the server's clock, so a later TOTP time step comes without waiting for it.
 */
async function serve (t: Test) {
  const port = await freePort()
  const clock = { shiftMs: 0 }
  const app = await build(t, { now: () => Date.now() + clock.shiftMs, env: { PORT: String(port), MAX_EVENT_LOOP_DELAY_MS: '0' } })
  await app.listen({ host: '127.0.0.1', port })
  return { app, clock, origin: `http://localhost:${port}` }
}

async function openDemo (t: Test, browser: Browser, origin: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => { problems.push(error.message) })
  page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text()) })
  t.equal((await page.goto(`${origin}/demo/`))?.status(), 200)
  await page.locator('body[data-ready="true"][data-mfa-ready="true"]').waitFor({ timeout: WAIT_MS })
  return { page, problems }
}

/** Clicks a button and waits for the exchange with `path` it ends with; resolves with its status and body. */
async function click (page: Page, button: string, method: string, path: string) {
  const selector = `#log > li[data-method="${method}"][data-path="${path}"]`
  const before = await page.locator(selector).count()
  await page.click(button, { timeout: WAIT_MS })
  // One more such exchange in the log; the log lists the newest first.
  await page.locator(selector).nth(before).waitFor({ timeout: WAIT_MS })
  const entry = page.locator(selector).first()
  await page.locator('.steps button:enabled').first().waitFor({ timeout: WAIT_MS })
  return { status: Number(await entry.getAttribute('data-status')), body: await entry.locator('.response-body').innerText() }
}

async function claims (page: Page) {
  return JSON.parse(await page.locator('#claims-payload').innerText()) as { amr: string[], acr: string, sub: string }
}

async function registerAndLogin (t: Test, page: Page, username: string) {
  await page.fill('#username', username)
  await page.fill('#password', PASSWORD)
  t.equal((await click(page, '#btn-register', 'POST', '/auth/register')).status, 201)
  t.equal((await click(page, '#btn-login', 'POST', '/auth/login')).status, 200)
  t.match(await claims(page), { amr: ['pwd'], acr: 'aal1' })
}

if (chromiumInstalled(t)) {
  let browser: Browser
  t.before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
  })
  t.teardown(() => browser?.close())

  t.test('demo page - passkeys: register, usernameless login at aal2, second factor after a password, delete', async (t) => {
    const { origin } = await serve(t)
    const { page, problems } = await openDemo(t, browser, origin)
    // Chromium's virtual authenticator: a platform authenticator with resident keys that verifies the user.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } })
    await registerAndLogin(t, page, `passkey_${process.pid}`)
    const userId = (await claims(page)).sub

    await page.fill('#passkey-name', 'Virtual key')
    t.equal((await click(page, '#btn-passkey-register', 'POST', '/auth/passkeys/register/verify')).status, 201, 'registered')
    await page.locator('#passkey-list li.passkey').first().waitFor({ timeout: WAIT_MS })
    t.match(await page.locator('#passkey-list').innerText(), /Virtual key/)
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    t.equal(credentials.length, 1, 'the authenticator holds one credential')
    t.equal(credentials[0]?.isResidentCredential, true, 'a discoverable one')
    t.equal(credentials[0]?.rpId, 'localhost')

    t.equal((await click(page, '#btn-logout', 'POST', '/auth/logout')).status, 204)
    const login = await click(page, '#btn-passkey-login', 'POST', '/auth/passkeys/login/verify')
    t.equal(login.status, 200, 'logged in with the passkey alone: no username typed')
    const passkeyClaims = await claims(page)
    t.equal(passkeyClaims.sub, userId)
    t.ok(passkeyClaims.amr.includes('hwk'), `amr ${passkeyClaims.amr.join(',')} has hwk`)
    t.equal(passkeyClaims.acr, 'aal2', 'user verification made it two factors')
    t.equal(await page.locator('#session-state').innerText(), 'active')

    // The passkey is now this account's second factor: the password alone is answered mfa_required.
    const password = await click(page, '#btn-login', 'POST', '/auth/login')
    t.equal(password.status, 401)
    t.match(password.body, /"code": "mfa_required"/)
    t.match(await page.locator('#mfa-pending').innerText(), /passkey/)
    t.equal((await click(page, '#btn-mfa-passkey', 'POST', '/auth/passkeys/login/verify')).status, 200)
    t.match(await claims(page), { sub: userId, amr: ['pwd', 'hwk'], acr: 'aal2' })

    t.equal((await click(page, '#btn-passkey-list', 'GET', '/auth/passkeys')).status, 200)
    const passkeyId = await page.locator('#passkey-list li.passkey').first().getAttribute('data-id')
    t.equal((await click(page, '#passkey-list .passkey-delete', 'DELETE', `/auth/passkeys/${passkeyId ?? ''}`)).status, 204, 'deleted from an aal2 session')
    await page.locator('#passkey-list li.passkey').waitFor({ state: 'detached', timeout: WAIT_MS })
    t.equal((await click(page, '#btn-passkey-login', 'POST', '/auth/passkeys/login/verify')).status, 401, 'the deleted passkey logs no one in')
    t.same(problems, [], 'no CSP violation, no uncaught error')
  })

  t.test('demo page - TOTP: enrol from the QR page, log in with a code, a recovery code works once', async (t) => {
    const { clock, origin } = await serve(t)
    const { page, problems } = await openDemo(t, browser, origin)
    await registerAndLogin(t, page, `totp_${process.pid}`)

    t.equal((await click(page, '#btn-totp-enroll', 'POST', '/auth/mfa/totp/enroll')).status, 200)
    t.match(await page.locator('#totp-qr').getAttribute('src'), /^data:image\/svg\+xml/, 'the QR code is shown')
    const totp = new TOTP({ secret: Secret.fromBase32(await page.locator('#totp-secret').innerText()), digits: 6, period: 30, algorithm: 'SHA1' })
    const code = () => totp.generate({ timestamp: Date.now() + clock.shiftMs })

    await page.fill('#totp-code', code())
    t.equal((await click(page, '#btn-totp-confirm', 'POST', '/auth/mfa/totp/confirm')).status, 200)
    t.equal(await page.locator('#recovery-codes li').count(), 10, 'ten recovery codes shown once')
    const recoveryCodes = await page.locator('#recovery-codes li').allInnerTexts()
    t.match(await claims(page), { amr: ['pwd', 'otp'], acr: 'aal2' }, 'the session stepped up')

    t.equal((await click(page, '#btn-logout', 'POST', '/auth/logout')).status, 204)
    t.equal((await click(page, '#btn-login', 'POST', '/auth/login')).status, 401, 'the password alone: mfa_required')
    t.match(await page.locator('#mfa-pending').innerText(), /totp/)
    clock.shiftMs += 30_000 // the code confirmed above is spent: the next time step's code
    await page.fill('#mfa-totp-code', code())
    t.equal((await click(page, '#btn-mfa-code', 'POST', '/auth/mfa/verify')).status, 200)
    t.match(await claims(page), { amr: ['pwd', 'otp'], acr: 'aal2' })

    t.equal((await click(page, '#btn-logout', 'POST', '/auth/logout')).status, 204)
    t.equal((await click(page, '#btn-login', 'POST', '/auth/login')).status, 401)
    await page.fill('#mfa-recovery-code', recoveryCodes[0] ?? '')
    t.equal((await click(page, '#btn-mfa-recovery', 'POST', '/auth/mfa/verify')).status, 200, 'a recovery code logs in')
    t.match(await claims(page), { acr: 'aal2' })

    t.equal((await click(page, '#btn-logout', 'POST', '/auth/logout')).status, 204)
    t.equal((await click(page, '#btn-login', 'POST', '/auth/login')).status, 401)
    const reused = await click(page, '#btn-mfa-recovery', 'POST', '/auth/mfa/verify')
    t.equal(reused.status, 401, 'the same recovery code again is refused')
    t.match(reused.body, /"code": "invalid_mfa_code"/)
    await page.fill('#mfa-recovery-code', recoveryCodes[1] ?? '')
    t.equal((await click(page, '#btn-mfa-recovery', 'POST', '/auth/mfa/verify')).status, 200, 'another one works, on the same waiting login')
    t.same(problems, [], 'no CSP violation, no uncaught error')
  })
}

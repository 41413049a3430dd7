import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import t, { type Test } from 'tap'
import type { SmtpCapture } from '../mail/smtp-capture.js'
import { linkOf, mailTo, notice, open, openDemo, outcome, serve, withAction } from './account-harness.js'
import { CHROMIUM_PATH, chromiumInstalled } from './chromium.js'

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts')
const PHONE = { width: 390, height: 844 }
const OLD_PASSWORD = 'an account page: first password'
const NEW_PASSWORD = 'an account page: second password'
const CODE_PASSWORD = 'an account page: third password'

async function accountPageTest (t: Test, browser: Browser) {
  const { app, smtp, origin, nextMinute } = await serve(t)
  const demo = await openDemo(t, browser, origin)
  const { page } = demo
  const username = `flows_${process.pid}`
  const email = `flows.${process.pid}@example.test`
  await page.fill('#username', username)
  await page.fill('#password', OLD_PASSWORD)
  await page.fill('#email', email)

  t.test('register with an email, open the verification link, confirm: verified', async (t) => {
    const registered = await demo.step('register')
    t.match(registered, { status: 201, path: '/auth/register' })
    t.match(registered.requestBody, `"email": "${email}"`, 'the demo sends the optional email')
    const link = linkOf(t, await mailTo(smtp, email, withAction('verify')), 'verify', origin)

    const account = await open(t, browser, link)
    t.equal(account.page.url(), `${origin}/account/`, 'the token is gone from the address bar at once')
    t.equal(await account.page.evaluate('location.hash'), '')
    t.ok(await account.page.locator('#verify').isVisible(), 'the page says what will happen and waits for a click')
    t.equal(await account.page.evaluate('document.activeElement?.id'), 'verify-confirm', 'focus is on the button')
    await account.page.click('#verify-confirm')
    t.match(await outcome(account.page), { kind: 'ok', text: `Your email address ${email} is confirmed.`, focused: 'message' })

    t.equal((await demo.step('login')).status, 200)
    t.match(JSON.parse(await page.locator('#claims-payload').innerText()), { email_verified: true }, 'the next access token says verified')

    const again = await open(t, browser, link)
    await again.page.click('#verify-confirm')
    t.match(await outcome(again.page), { kind: 'error', text: /expired or was already used/ }, 'a used link says so')
    t.ok(await again.page.locator('#verify').isHidden(), 'and offers no button that cannot work')
    t.same([...await account.problems(), ...await again.problems()], [], 'no CSP violation, no script error')
  })

  t.test('forgot password, open the reset link, set a new password: the demo logs in with it, not the old one', async (t) => {
    nextMinute()
    t.match(await demo.step('forgot'), { status: 202, path: '/auth/password/forgot' })
    const link = linkOf(t, await mailTo(smtp, email, withAction('reset')), 'reset', origin)
    const account = await open(t, browser, link)
    t.equal(account.page.url(), `${origin}/account/`)
    t.equal(await account.page.evaluate('document.activeElement?.id'), 'reset-password', 'focus is on the new password')

    await account.page.fill('#reset-password', NEW_PASSWORD)
    await account.page.fill('#reset-repeat', `${NEW_PASSWORD}!`)
    await account.page.click('#reset-submit')
    t.match(await outcome(account.page), { kind: 'error', text: /differ/ }, 'two different passwords are caught before sending')

    await account.page.fill('#reset-password', 'password1')
    await account.page.fill('#reset-repeat', 'password1')
    await account.page.click('#reset-submit')
    t.match(await outcome(account.page), { kind: 'error', text: 'password is one of the most common passwords; choose another' }, 'the server\'s policy message is shown')

    await account.page.fill('#reset-password', NEW_PASSWORD)
    await account.page.fill('#reset-repeat', NEW_PASSWORD)
    await account.page.click('#reset-submit')
    t.match(await outcome(account.page), { kind: 'ok', text: /password is changed/ }, 'the same link still works after a refused password')
    t.ok(await account.page.locator('#reset').isHidden())
    const changed = await mailTo(smtp, email, notice(/password/i))
    t.equal(changed.link, null, 'a notice that the password changed arrives, with no link')

    t.equal((await demo.step('me')).status, 401, 'the session from before the reset has ended')
    t.equal((await demo.step('login')).status, 401, 'the old password fails')
    await page.fill('#password', NEW_PASSWORD)
    t.equal((await demo.step('login')).status, 200, 'the new password logs in')
    t.same(await account.problems(), [])
  })

  t.test('reset with the typed code through the demo page', async (t) => {
    nextMinute()
    await page.fill('#forgot-account', username)
    t.match(await demo.step('forgot'), { status: 202, requestBody: `"username": "${username}"` })
    const mail = await mailTo(smtp, email, withAction('reset'))
    await page.fill('#reset-code', mail.code ?? '')
    await page.fill('#reset-new-password', CODE_PASSWORD)
    const reset = await demo.step('reset-code')
    t.match(reset, { path: '/auth/password/reset' })
    t.ok(reset.status === 200 || reset.status === 204, `the code resets the password (${reset.status})`)
    t.notMatch(reset.requestBody, CODE_PASSWORD, 'the new password is masked in the log')
    t.equal(await page.inputValue('#password'), CODE_PASSWORD, 'the demo now logs in with the new password')
    t.equal((await demo.step('login')).status, 200)
    await page.fill('#reset-new-password', 'yet another new password')
    t.equal((await demo.step('reset-code')).status, 400, 'the code works once')
  })

  t.test('change email: the new address confirms through its link, the old one gets a notice', async (t) => {
    const newEmail = `moved.${process.pid}@example.test`
    await page.fill('#change-new-email', newEmail)
    t.match(await demo.step('change-request'), { status: 202, path: '/auth/email/change' })
    const [confirmation, warning] = await Promise.all([mailTo(smtp, newEmail, withAction('change')), mailTo(smtp, email, notice(/email address/i))])
    t.equal(warning.link, null, 'the notice to the old address carries no link')
    t.notMatch(warning.text, confirmation.code ?? 'no code', 'nor the new address\'s code')
    const link = linkOf(t, confirmation, 'change', origin)
    const account = await open(t, browser, link)
    t.equal(account.page.url(), `${origin}/account/`)
    await account.page.click('#change-confirm')
    t.match(await outcome(account.page), { kind: 'ok', text: `Your account now uses ${newEmail}.` })
    const me = await demo.step('me')
    t.equal(me.status, 200)
    t.match(JSON.parse(me.responseBody), { email: newEmail, email_verified: true }, 'the account has the new address, verified')

    // Again, confirmed this time with the code typed into the demo (the Bearer token proves the account).
    nextMinute()
    const third = `third.${process.pid}@example.test`
    await page.fill('#change-new-email', third)
    t.match(await demo.step('change-request'), { status: 202 })
    await page.fill('#change-code', (await mailTo(smtp, third, withAction('change'))).code ?? '')
    const confirmed = await demo.step('change-code')
    t.match(confirmed, { status: 200, path: '/auth/email/change/confirm' })
    t.match(JSON.parse(confirmed.responseBody), { email: third })
    t.equal(await page.inputValue('#email'), third, 'the demo\'s Email field follows the account')
    const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: CODE_PASSWORD } })
    t.equal(login.statusCode, 200)
    t.same(await demo.problems(), [], 'the demo page had no CSP violation or script error')
  })
}

/** The account page on a phone: a reset link open, nothing wider than the screen, a screenshot. */
/**
 * The account page on a phone with a reset link open: nothing wider than the screen, a
 * screenshot; then the same message's code typed into the page's code form resets the password.
 */
async function narrowTest (t: Test, browser: Browser, smtp: SmtpCapture, email: string) {
  const { link, code } = await mailTo(smtp, email, withAction('reset'))
  const { page, problems } = await open(t, browser, link ?? '', PHONE)
  await page.fill('#reset-password', 'short')
  await page.fill('#reset-repeat', 'short')
  await page.click('#reset-submit')
  t.match(await outcome(page), { kind: 'error', text: /at least 8 characters/, focused: 'reset-password' }, 'a short password is caught, focus back on the field')
  t.ok(await page.evaluate('document.documentElement.scrollWidth') as number <= PHONE.width, 'the page is no wider than the screen')
  const boxes = await page.evaluate(`[...document.querySelectorAll('input, button, label, h1, h2, p, .message')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => { const r = el.getBoundingClientRect(); return { id: el.id || el.tagName, left: r.left, right: r.right } })`) as Array<{ id: string, left: number, right: number }>
  t.ok(boxes.length >= 8, `${boxes.length} visible elements`)
  t.same(boxes.filter((box) => box.left < 0 || box.right > PHONE.width).map((box) => box.id), [], 'every element fits the screen')
  t.same(await problems(), [])
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'account-390px.png'), fullPage: true })

  await page.check('input[name="purpose"][value="reset"]')
  t.ok(await page.locator('#code-password').isVisible(), 'the code form asks for the new password when the code is for a reset')
  await page.fill('#code-account', email)
  await page.fill('#code-value', code ?? '')
  await page.fill('#code-password', NEW_PASSWORD)
  await page.fill('#code-repeat', NEW_PASSWORD)
  await page.click('#code-submit')
  t.match(await outcome(page), { kind: 'ok', text: /password is changed/ }, 'the typed code resets the password')
  t.equal(await page.inputValue('#code-password'), '', 'and the form forgets it')
}

if (chromiumInstalled(t)) {
  let browser: Browser
  t.before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  })
  t.teardown(() => browser?.close())

  t.test('account flows in a real browser, mail over real SMTP', async (t) => { await accountPageTest(t, browser) })

  t.test('demo with EMAIL_VERIFICATION=required: login refused until the code from a resent message verifies', async (t) => {
    const { smtp, origin, nextMinute } = await serve(t, { EMAIL_VERIFICATION: 'required' })
    const demo = await openDemo(t, browser, origin)
    const email = `required.${process.pid}@example.test`
    await demo.page.fill('#email', email)
    t.equal((await demo.step('register')).status, 201)
    const refused = await demo.step('login')
    t.equal(refused.status, 403)
    t.match(JSON.parse(refused.responseBody), { code: 'email_not_verified' }, 'the demo shows why')
    const first = await mailTo(smtp, email, withAction('verify'))
    nextMinute()
    t.match(await demo.step('verify-request'), { status: 202, path: '/auth/email/verify/request', requestBody: `"email": "${email}"` })
    const resent = await mailTo(smtp, email, withAction('verify'))
    t.not(resent.code, first.code, 'a new code')
    await demo.page.fill('#verify-code', first.code ?? '')
    t.equal((await demo.step('verify-code')).status, 400, 'the older code died when the new one was sent')
    await demo.page.fill('#verify-code', resent.code ?? '')
    const verified = await demo.step('verify-code')
    t.match(verified, { status: 200, path: '/auth/email/verify' })
    t.same(JSON.parse(verified.responseBody), { email, email_verified: true })
    t.equal((await demo.step('login')).status, 200, 'verified: login works')
    t.same(await demo.problems(), [])
  })

  t.test('account page: a typed code instead of the link, then the page at 390 px wide', async (t) => {
    const { app, smtp, origin } = await serve(t)
    const email = `narrow.${process.pid}@example.test`
    const username = `narrow_${process.pid}`
    const registered = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: OLD_PASSWORD, email } })
    t.equal(registered.statusCode, 201)
    const { code } = await mailTo(smtp, email, withAction('verify'))
    const { page, problems } = await open(t, browser, `${origin}/account/`)
    t.ok(await page.locator('#verify, #reset, #change').first().isHidden(), 'no link: only the code form')
    await page.fill('#code-account', username)
    await page.fill('#code-value', '00000000')
    await page.click('#code-submit')
    t.match(await outcome(page), { kind: 'error', text: /expired or was already used/ }, 'a wrong code is refused')
    await page.fill('#code-account', email)
    await page.fill('#code-value', code ?? '')
    await page.click('#code-submit')
    t.match(await outcome(page), { kind: 'ok', text: `Your email address ${email} is confirmed.` }, 'the right code verifies')
    t.same(await problems(), [])
    t.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } })).statusCode, 202)
    await narrowTest(t, browser, smtp, email)
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: NEW_PASSWORD } })).statusCode, 200, 'the new password logs in')
  })
}

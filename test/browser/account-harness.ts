import { createServer, type AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import type { Test } from 'tap'
import { build } from '../helper.js'
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../mail/smtp-capture.js'

/** What test/browser/account-flows.test.ts needs: the app with real SMTP, its pages, its mail. */

/** Upper bound for anything a page does after a click (one request to a local server). */
export const WAIT_MS = 10_000

/** A port free right now, so PUBLIC_URL can name the app's own address before it listens. */
async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * The app on a loopback port whose PUBLIC_URL is that address (the links in mail open this very
 * server), its mail going over SMTP to the in-process capture. The clock moves only when a test
 * says so: one message of a kind per address per minute is the server's limit.
 */
export async function serve (t: Test, env: Record<string, string> = {}) {
  const smtp = await startSmtpCapture(t)
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  let offsetMs = 0
  const app = await build(t, { now: () => Date.now() + offsetMs, env: { SMTP_URL: smtp.url, PUBLIC_URL: origin, MAX_EVENT_LOOP_DELAY_MS: '0', ...env } })
  await app.listen({ host: '127.0.0.1', port })
  return { app, smtp, origin, nextMinute: () => { offsetMs += 61_000 } }
}

/** A page with everything it complained about recorded (CSP violations, script errors). */
export async function open (t: Test, browser: Browser, url: string, viewport = { width: 1280, height: 1000 }) {
  const context = await browser.newContext({ viewport })
  t.teardown(() => context.close())
  await context.addInitScript(`
    const seen = []
    Object.defineProperty(window, '__problems', { value: seen })
    document.addEventListener('securitypolicyviolation', (event) => { seen.push(event.violatedDirective + ' ' + event.blockedURI) })
  `)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => { errors.push(error.message) })
  const response = await page.goto(url)
  t.equal(response?.status(), 200, `${new URL(url).pathname} answers 200`)
  await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS })
  const problems = async () => [...await page.evaluate('window.__problems') as string[], ...errors]
  return { page, problems }
}

/** The demo page, and one step: click, wait for the exchange in the log, return its status and reply. */
export async function openDemo (t: Test, browser: Browser, origin: string) {
  const demo = await open(t, browser, `${origin}/demo/`)
  await demo.page.locator('body[data-account-flows="ready"]').waitFor({ timeout: WAIT_MS })
  const step = async (button: string) => {
    const before = await demo.page.locator('#log > li').count()
    await demo.page.click(`#btn-${button}`, { timeout: WAIT_MS })
    const entry = demo.page.locator(`#log > li[data-seq="${before + 1}"]`)
    await entry.waitFor({ timeout: WAIT_MS })
    await demo.page.locator(`#btn-${button}:enabled`).waitFor({ timeout: WAIT_MS })
    return {
      status: Number(await entry.getAttribute('data-status')),
      path: await entry.getAttribute('data-path'),
      requestBody: await entry.locator('.request-body').count() === 0 ? '' : await entry.locator('.request-body').innerText(),
      responseBody: await entry.locator('.response-body').innerText()
    }
  }
  return { ...demo, step }
}

/** The account page's outcome once it shows one: its kind (ok, error) and text. */
export async function outcome (page: Page) {
  const message = page.locator('#message:not([hidden])')
  await message.waitFor({ timeout: WAIT_MS })
  return { kind: await message.getAttribute('data-kind'), text: await message.innerText(), focused: await page.evaluate('document.activeElement?.id') }
}

/**
 * The next message to `address` that `wanted` accepts. A flow sends notices too (password
 * changed, change requested) whose delivery order against the next message is not fixed.
 */
export async function mailTo (smtp: SmtpCapture, address: string, wanted: (mail: CapturedMail) => boolean): Promise<CapturedMail> {
  for (;;) {
    const mail = await smtp.next(address)
    if (wanted(mail)) return mail
  }
}
export const withAction = (action: string) => (mail: CapturedMail) => mail.action === action
export const notice = (subject: RegExp) => (mail: CapturedMail) => mail.action === null && subject.test(mail.subject)

export function linkOf (t: Test, mail: CapturedMail, action: string, origin: string): string {
  t.equal(mail.action, action, `the message to ${mail.to} links to the ${action} action`)
  t.ok(mail.link?.startsWith(`${origin}/account/#action=${action}&token=`), 'the link opens this server\'s account page, token in the fragment')
  t.match(mail.code, /^\d{8}$/, 'and carries a code')
  return mail.link ?? ''
}

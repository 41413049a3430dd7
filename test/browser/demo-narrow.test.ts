import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { build } from '../helper.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts')
/** An iPhone 12-15 in portrait, CSS pixels. */
const PHONE = { width: 390, height: 844 }
const WAIT_MS = 10_000

interface Box { id: string, left: number, right: number, width: number }

if (!existsSync(CHROMIUM)) {
  const reason = `${CHROMIUM} is missing: install it with .ci/browser.sh (Debian package chromium)`
  if (process.env.CI) t.fail(reason)
  else t.plan(0, reason)
} else {
  t.test('demo page at 390 px wide - no sideways scrolling, every control on screen, screenshot saved', async (t) => {
    const app = await build(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '0' } })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    t.teardown(() => browser.close())
    const page = await browser.newPage({ viewport: PHONE })
    await page.goto(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/demo/`)
    await page.locator('body[data-ready="true"]').waitFor({ timeout: WAIT_MS })

    t.ok(await page.evaluate('document.documentElement.scrollWidth') as number <= PHONE.width, 'the page is no wider than the screen')
    // Browser code as text: this project's TypeScript has no DOM types.
    const boxes = await page.evaluate(`[...document.querySelectorAll('input, button, select, textarea')]
      .filter((el) => el.offsetParent !== null)
      .map((el) => { const r = el.getBoundingClientRect(); return { id: el.id || el.name || el.tagName, left: r.left, right: r.right, width: r.width } })`) as Box[]
    t.ok(boxes.length >= 5, `${boxes.length} visible controls`)
    t.same(boxes.filter((box) => box.left < 0 || box.right > PHONE.width || box.width < 40).map((box) => box.id), [], 'each control fits the screen and is wide enough to tap')

    await mkdir(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'demo-390px.png'), fullPage: true })
  })
}

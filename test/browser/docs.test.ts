import type { AddressInfo } from 'node:net'
import { chromium } from 'playwright-core'
import t from 'tap'
import { build } from '../helper.js'
import { CHROMIUM_PATH, chromiumInstalled } from './chromium.js'

if (chromiumInstalled(t)) {
  t.test('docs - Swagger UI renders every tag under its own CSP, with no request leaving this server', async (t) => {
    const app = await build(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '0' } })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
    t.teardown(() => browser.close())
    const page = await browser.newPage()
    const problems: string[] = []
    const elsewhere: string[] = []
    page.on('pageerror', (error) => { problems.push(error.message) })
    page.on('console', (message) => { if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text()) })
    page.on('request', (request) => { if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) elsewhere.push(request.url()) })
    t.equal((await page.goto(`${origin}/docs`))?.status(), 200)
    await page.locator('.opblock-tag').first().waitFor({ timeout: 15_000 })
    const tags = await page.locator('.opblock-tag').allInnerTexts()
    for (const tag of ['auth', 'oauth', 'admin']) t.ok(tags.some((text) => text.startsWith(tag)), `tag ${tag} shown`)
    t.ok(await page.locator('.opblock-summary-path').count() > 20, 'the operations are listed')
    t.same(problems, [], 'no CSP violation, no script error')
    t.same(elsewhere, [], 'every request goes to this server')
  })
}

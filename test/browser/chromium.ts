import { existsSync } from 'node:fs'
import type { Test } from 'tap'
import { inCi } from '../storage/databases.js'

/**
 * The browser the tests launch: CHROMIUM_PATH, which .ci/run exports with the path .ci/browser.sh
 * installed, else the Debian chromium package's binary (the same default as .ci/browser.sh).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH !== undefined && process.env.CHROMIUM_PATH !== ''
  ? process.env.CHROMIUM_PATH
  : '/usr/bin/chromium'

/**
 * Whether the browser is there. When it is not, the file's tests cannot run: that fails under CI
 * (a CI run without its browser is a broken pipeline) and is a skip, with the reason, elsewhere.
 */
export function chromiumInstalled (t: Test): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  const reason = `${CHROMIUM_PATH} is missing: run .ci/browser.sh (installs the Debian chromium package) or set CHROMIUM_PATH`
  if (inCi()) t.fail(reason)
  else t.plan(0, reason)
  return false
}

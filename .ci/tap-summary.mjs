#!/usr/bin/env node
// Reads the TAP text of one `tap --reporter=tap` run (a file named on the command line, or stdin)
// and prints "PASSED FAILED SKIPPED" on stdout; every skipped or todo test goes to stderr, one a
// line, with the test file it is in. .ci/run adds up the counts of its runs.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/** tap's closing line: "# { total: 8, pass: 3, fail: 1, todo: 1, skip: 3 }" (zero counts left out). */
const SUMMARY = /^# \{ total: \d+(?:, \w+: \d+)* \}$/
const TOP_LEVEL_FILE = /^# Subtest: (.+)$/
const DIRECTIVE = /^\s*(?:not )?ok \d+ - (.*?) # (SKIP|TODO)\b ?(.*)$/

/**
 * The counts of a TAP report. A todo test did not run either, so it counts as skipped. A report
 * without tap's summary line (tap crashed or was killed) counts as one failure.
 * @param {string} tap
 * @returns {{ passed: number, failed: number, skipped: number, skippedTests: string[] }}
 */
export function summarize (tap) {
  const lines = tap.split(/\r?\n/)
  const summary = lines.filter((line) => SUMMARY.test(line)).at(-1)
  const count = (name) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(summary ?? '')?.[1] ?? 0)
  const skippedTests = []
  let file = ''
  for (const line of lines) {
    const subtest = TOP_LEVEL_FILE.exec(line)
    if (subtest) file = subtest[1]
    const directive = DIRECTIVE.exec(line)
    if (directive) {
      const [, name, kind, reason] = directive
      const where = name === file ? file : `${file} > ${name}`
      skippedTests.push(`${where} # ${kind}${reason ? ` ${reason}` : ''}`)
    }
  }
  if (summary === undefined) return { passed: 0, failed: 1, skipped: skippedTests.length, skippedTests }
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') + count('todo'), skippedTests }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { passed, failed, skipped, skippedTests } = summarize(readFileSync(process.argv[2] ?? 0, 'utf8'))
  for (const test of skippedTests) process.stderr.write(`skipped: ${test}\n`)
  process.stdout.write(`${passed} ${failed} ${skipped}\n`)
}

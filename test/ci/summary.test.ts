import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { PROJECT_ROOT } from '../e2e/server-process.js'

const run = promisify(execFile)
const TAP_CLI = join(PROJECT_ROOT, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs')
const SUMMARY_CLI = join(PROJECT_ROOT, '.ci', 'tap-summary.mjs')

interface Summary { counts: string, skipped: string[] }

/** Runs .ci/tap-summary.mjs on TAP text, as .ci/run does on a report file. */
async function summarize (tap: string): Promise<Summary> {
  const child = execFile(process.execPath, [SUMMARY_CLI])
  const output = { stdout: '', stderr: '' }
  child.stdout?.on('data', (chunk: string) => { output.stdout += chunk })
  child.stderr?.on('data', (chunk: string) => { output.stderr += chunk })
  child.stdin?.end(tap)
  const code = await new Promise((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`tap-summary.mjs exited ${String(code)}: ${output.stderr}`)
  return { counts: output.stdout.trim(), skipped: output.stderr.split('\n').filter((line) => line !== '') }
}

/** The environment of a tap run of its own: none of this run's TAP_* variables, CI as given. */
function ownTapEnvironment (extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TAP|_TAPJS|TS_NODE|NODE_OPTIONS$|CI$|CHROMIUM_PATH$)/.test(name)))
  return { ...env, ...extra }
}

/** Runs tap on `files` with the reporter .ci/run uses; resolves with the TAP text and exit code. */
async function tapRun (files: string[], env: Record<string, string> = {}): Promise<{ tap: string, code: number }> {
  try {
    const { stdout } = await run(process.execPath, [TAP_CLI, '--reporter=tap', '--disable-coverage', '--jobs=1', ...files],
      { cwd: PROJECT_ROOT, env: ownTapEnvironment(env), maxBuffer: 16 * 1024 * 1024 })
    return { tap: stdout, code: 0 }
  } catch (error) {
    const failed = error as { stdout?: string, code?: number }
    return { tap: failed.stdout ?? '', code: failed.code ?? -1 }
  }
}

t.test('tap-summary - counts the passes, failures and skips of a real tap run, todo as skipped, and names each skip', async (t) => {
  const { tap, code } = await tapRun(['test/fixtures/tap-summary/mixed.ts', 'test/fixtures/tap-summary/skipped-file.ts'])
  t.not(code, 0, 'tap exits non-zero: one test failed')
  const { counts, skipped } = await summarize(tap)
  t.equal(counts, '2 1 4', 'passed failed skipped: the two passes (tap counts assertions, not subtests), the failure, three skips and the todo')
  t.same(skipped.sort(), [
    'skipped: test/fixtures/tap-summary/mixed.ts > deeper # SKIP',
    'skipped: test/fixtures/tap-summary/mixed.ts > needs a server # SKIP MYSQL_URL is not set',
    'skipped: test/fixtures/tap-summary/mixed.ts > not written yet # TODO later',
    'skipped: test/fixtures/tap-summary/skipped-file.ts # SKIP the browser is missing'
  ])
})

t.test('tap-summary - a run cut off before its summary line counts as a failure', async (t) => {
  const { counts } = await summarize('TAP version 14\n# Subtest: test/a.test.ts\n    ok 1 - fine\n')
  t.equal(counts, '0 1 0')
})

t.test('browser tests - without the browser: a failure under CI, a skip elsewhere', async (t) => {
  const missing = { CHROMIUM_PATH: join(PROJECT_ROOT, 'no-such-chromium') }
  const underCi = await tapRun(['test/browser/docs.test.ts'], { ...missing, CI: 'true' })
  t.not(underCi.code, 0, 'tap exits non-zero under CI')
  t.equal((await summarize(underCi.tap)).counts, '0 1 0')
  t.match(underCi.tap, /no-such-chromium is missing/)

  const onADesk = await tapRun(['test/browser/docs.test.ts'], missing)
  t.equal(onADesk.code, 0)
  t.same(await summarize(onADesk.tap), { counts: '0 0 1', skipped: [`skipped: test/browser/docs.test.ts # SKIP ${missing.CHROMIUM_PATH} is missing: run .ci/browser.sh (installs the Debian chromium package) or set CHROMIUM_PATH`] })
})

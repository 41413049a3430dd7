import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildDist, distDir, PROJECT_ROOT } from '../e2e/server-process.js'

/** Every row the suite reports (bench/scenarios/*.mjs): scenario number and letter. */
const ROWS = ['1', '1b', '2a', '2b', '2c', '2d', '2e', '2f', '2g', '3a', '3b', '3c', '4a', '4b', '4c', '5a', '5b', '6a', '6b', '6c', '6d', '6e', '7a', '7b', '7c', '8a', '8b', '8c', '8d', '8e', '8f', '8g', '8h', '8i', '8j']
/** Rows that need database servers, with the variables that name them (SQLite is embedded: its rows run everywhere). */
const DATABASE_ROWS: Record<string, string[]> = {
  '6b': ['MYSQL_URL'],
  '8c': ['MYSQL_URL'],
  '8d': ['MYSQL_URL'],
  '6c': ['MONGODB_URL'],
  '8e': ['MONGODB_URL'],
  '8f': ['MONGODB_URL'],
  '6e': ['POSTGRES_URL', 'MYSQL_URL'],
  '8h': ['POSTGRES_URL']
}

interface Row { id: string, status: string, value: number | null, goal: unknown }

// The quick run starts a dozen servers: it takes a minute or two, more than the default per file.
t.setTimeout(360_000)
t.before(buildDist)

t.test('bench --quick - should write a report with a row for every scenario, without touching the committed one', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'bench-quick-'))
  t.teardown(() => rm(out, { recursive: true, force: true }))
  const report = join(out, 'BENCHMARKS.md')
  await promisify(execFile)(process.execPath, [
    join(PROJECT_ROOT, 'bench', 'run.mjs'), '--quick', '--out', out, '--report', report, '--dist', distDir()
  ], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 })

  const files = await readdir(out)
  const json = files.find((name) => name.endsWith('.json'))
  if (json === undefined) return t.fail(`no JSON result in ${files.join(', ')}`)
  const result = JSON.parse(await readFile(join(out, json), 'utf8')) as { settings: { quick: boolean }, rows: Row[] }
  t.equal(result.settings.quick, true)
  t.same(result.rows.map((row) => row.id).sort(), [...ROWS].sort(), 'one row per scenario')
  for (const row of result.rows) {
    t.ok(['pass', 'fail', 'info', 'not run'].includes(row.status), `${row.id}: status ${row.status}`)
    if (row.status !== 'not run') t.ok(typeof row.value === 'number' && Number.isFinite(row.value), `${row.id}: a measured value`)
  }
  const ran = (id: string) => result.rows.find((row) => row.id === id)?.status !== 'not run'
  for (const id of ['1', '1b', '2a', '2b', '2c', '2d', '2e', '2f', '2g', '3a', '4a', '4b', '4c', '5a', '5b', '6a', '6d', '7a', '7b', '7c', '8a', '8b', '8g', '8i', '8j']) t.ok(ran(id), `${id} runs on every machine`)
  for (const [id, variables] of Object.entries(DATABASE_ROWS)) {
    if (variables.every((variable) => process.env[variable] !== undefined && process.env[variable] !== '')) {
      t.ok(ran(id), `${id} runs when ${variables.join(' and ')} ${variables.length > 1 ? 'are' : 'is'} set`)
    }
  }

  const markdown = await readFile(report, 'utf8')
  for (const id of ROWS) t.match(markdown, new RegExp(`^\\| ${id} \\|`, 'm'), `the report has row ${id}`)
  t.match(markdown, /\*\*Machine:\*\* .+ cores, Node\.js v\d+/, 'the report names the machine')
  t.match(markdown, /--quick/, 'the report says it is a quick run')
  t.match(await readFile(join(out, 'ratios.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, 'the chart is an SVG')
})

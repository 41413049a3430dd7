#!/usr/bin/env node
// @ts-check
/**
 * The benchmark suite: every speed claim of the README as a ratio measured in one run.
 *
 *   npm run build && node bench/run.mjs [--quick] [--only protected,passwords,mfa,refresh,revocations,users]
 *                                       [--out bench/results] [--report BENCHMARKS.md] [--dist dist]
 *                                       [--rounds N] [--seconds S]   (override the mode's rounds / window length)
 *                                       [--nice N]   (run the load generator and every server at nice N,
 *                                                     e.g. --nice=-10 on a shared machine; root for N < 0)
 *   node bench/run.mjs --render bench/results/<date>.json   (rewrite the report from a run's file)
 *
 * Writes <out>/<date>.json, <out>/ratios.svg and the report (BENCHMARKS.md by default). Exits 0
 * when the report is written, whatever the goals say; 1 when the run itself failed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createContext } from './lib/context.mjs'
import { describeDatabases, describeMachine } from './lib/machine.mjs'
import { BENCH_DIR, PROJECT_ROOT, pinningAvailable, pinSelfToCore0, runAtNice } from './lib/processes.mjs'
import { renderMarkdown, renderSvg } from './lib/report.mjs'
import * as mfa from './scenarios/mfa.mjs'
import * as passwords from './scenarios/passwords.mjs'
import * as protectedRoutes from './scenarios/protected.mjs'
import * as refresh from './scenarios/refresh.mjs'
import * as revocations from './scenarios/revocations.mjs'
import * as users from './scenarios/users.mjs'

/** In this order: registrations and the login flood (passwords) change the main server most, so they run last (mfa starts its own server). */
const GROUPS = { protected: protectedRoutes, revocations, refresh, users, passwords, mfa }

/** @type {import('./lib/context.mjs').Settings} */
const DEFAULT = {
  quick: false,
  warmup: 1.5,
  seconds: 1,
  rounds: 7,
  argonSeconds: 2,
  argonRounds: 5,
  latencySeconds: 1,
  connections: 10,
  revocations: 1_000_000,
  manyUsers: 100_000,
  manyUsersDb: 100_000,
  refreshSessions: 300
}

/** @type {import('./lib/context.mjs').Settings} */
const QUICK = {
  quick: true,
  warmup: 0,
  seconds: 0.5,
  rounds: 1,
  argonSeconds: 1,
  argonRounds: 1,
  latencySeconds: 0.5,
  connections: 10,
  revocations: 100_000,
  manyUsers: 100_000,
  manyUsersDb: 2_000,
  refreshSessions: 100
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(BENCH_DIR, 'results') },
    report: { type: 'string', default: join(PROJECT_ROOT, 'BENCHMARKS.md') },
    dist: { type: 'string', default: join(PROJECT_ROOT, 'dist') },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    nice: { type: 'string' },
    render: { type: 'string' }
  }
})

/** @type {import('./lib/context.mjs').Settings} */
const settings = { ...(values.quick === true ? QUICK : DEFAULT) }
if (values.rounds !== undefined) settings.rounds = settings.argonRounds = Math.max(1, Number(values.rounds))
if (values.seconds !== undefined) settings.seconds = settings.argonSeconds = settings.latencySeconds = Math.max(0.25, Number(values.seconds))
const distDir = resolve(String(values.dist))
const outDir = resolve(String(values.out))
const reportPath = resolve(String(values.report))
const asked = values.only?.split(',').map((name) => name.trim()) ?? Object.keys(GROUPS)
for (const name of asked) {
  if (!(name in GROUPS)) throw new Error(`--only: unknown group ${name} (${Object.keys(GROUPS).join(', ')})`)
}
const only = Object.keys(GROUPS).filter((name) => asked.includes(name))

if (values.render !== undefined) {
  // --render <results.json>: rewrite the report and the chart from a run's file, measuring nothing.
  const jsonPath = resolve(values.render)
  const saved = JSON.parse(readFileSync(jsonPath, 'utf8'))
  const svgPath = join(dirname(jsonPath), 'ratios.svg')
  writeFileSync(svgPath, renderSvg(saved.rows))
  writeFileSync(reportPath, renderMarkdown({ ...saved, startedAt: new Date(saved.startedAt), reportPath, svgPath, jsonPath }))
  process.stdout.write(`wrote ${reportPath}, ${svgPath}\n`)
  process.exit(0)
}
if (!existsSync(join(distDir, 'server.js'))) {
  process.stderr.write(`No ${join(distDir, 'server.js')}: run \`npm run build\` first.\n`)
  process.exit(1)
}

const log = (/** @type {string} */ line) => process.stdout.write(line + '\n')
const pinned = pinningAvailable()
if (pinned) pinSelfToCore0()
const nice = values.nice === undefined ? null : Number(values.nice)
if (nice !== null) runAtNice(nice)
const ctx = createContext({ settings, distDir, pinned, log })
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => { ctx.stopAll().finally(() => process.exit(130)) })
}
// An error thrown inside the load generator's socket handlers (autocannon) is not the scenario's
// rejection: stop the servers and drop the databases all the same.
process.once('uncaughtException', (error) => {
  process.stderr.write(`bench failed: ${error.stack ?? String(error)}\n`)
  ctx.stopAll().finally(() => process.exit(1))
})

const startedAt = new Date()
const machine = { ...describeMachine(pinned), nice }
const databases = await describeDatabases()
log(`bench: ${settings.quick ? 'quick' : 'full'} run, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, pinning ${pinned ? 'on' : 'off'}`)

/** @type {import('./lib/rounds.mjs').Row[]} */
const rows = []
try {
  for (const name of only) {
    const groupStarted = performance.now()
    log(`${name}:`)
    rows.push(...await GROUPS[/** @type {keyof typeof GROUPS} */ (name)].run(ctx))
    log(`  (${((performance.now() - groupStarted) / 1000).toFixed(0)} s)`)
  }
} catch (error) {
  await ctx.stopAll()
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
}
await ctx.stopAll()

const elapsedSeconds = (Date.now() - startedAt.getTime()) / 1000
const finalMachine = { ...machine, loadAverageAtEnd: loadavg()[0] ?? 0 }
mkdirSync(outDir, { recursive: true })
const jsonPath = join(outDir, `${startedAt.toISOString().slice(0, 16).replace(':', '')}Z.json`)
const svgPath = join(outDir, 'ratios.svg')
/** The options that change what is measured (not where files go), for the report's header. */
const args = process.argv.slice(2).filter((arg, i, all) => !/^--(out|report|dist)(=|$)/.test(arg) && !/^--(out|report|dist)$/.test(all[i - 1] ?? ''))
writeFileSync(jsonPath, JSON.stringify({ startedAt, elapsedSeconds, args, machine: finalMachine, databases, settings, rows }, null, 2) + '\n')
writeFileSync(svgPath, renderSvg(rows))
writeFileSync(reportPath, renderMarkdown({ rows, machine: finalMachine, databases, settings, startedAt, elapsedSeconds, reportPath, svgPath, jsonPath, args }))

const judged = rows.filter((row) => row.status === 'pass' || row.status === 'fail')
log(`\n${rows.map((row) => `${row.id.padEnd(3)} ${row.status.padEnd(7)} ${row.value === null ? '–' : row.value.toFixed(2)} ${row.scenario}`).join('\n')}`)
log(`\ngoals met: ${judged.filter((row) => row.status === 'pass').length} of ${judged.length}; ${Math.round(elapsedSeconds)} s`)
log(`wrote ${reportPath}, ${jsonPath}, ${svgPath}`)

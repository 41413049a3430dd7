// @ts-check
/**
 * Bracketed rounds, and the result rows built from them.
 *
 * The speed of a shared virtual machine drifts by a factor of two over a few seconds (measured
 * here: the same server, 1-second windows, 5,800 to 11,700 req/s and back). Two measurements
 * far apart in time are not comparable, so every comparison is made with a base variant measured
 * right before and right after: each round runs base, X1, base, X2, base, …, Xn, base (the order
 * of the others rotating from round to round), and X's measurement is divided by the mean of the
 * two base measurements around it, which cancels a linear drift. A ratio between two variants is
 * the median over rounds of the quotient of their values relative to the base in that round.
 */
import { median } from './load.mjs'

/**
 * @typedef {{ value: number, bad?: number, perCpu?: number, [extra: string]: unknown }} Measurement
 * @typedef {{ key: string, measure: (seconds: number) => Promise<Measurement> }} Variant
 * @typedef {object} Bracketed
 * @property {string} base the base variant's key
 * @property {Record<string, Measurement[]>} measurements every measurement of each variant
 * @property {Record<string, number[][]>} relative per variant, per round: [value, perCpu] against the base around it
 */

/**
 * @param {{ base: Variant, others: Variant[], rounds: number, seconds: number, warmup: number, log: (line: string) => void }} options
 * @returns {Promise<Bracketed>}
 */
export async function bracket ({ base, others, rounds, seconds, warmup, log }) {
  if (warmup > 0) {
    for (const variant of [base, ...others]) await variant.measure(warmup)
  }
  /** @type {Bracketed} */
  const result = { base: base.key, measurements: { [base.key]: [] }, relative: { [base.key]: [] } }
  for (const other of others) {
    result.measurements[other.key] = []
    result.relative[other.key] = []
  }
  const run = async (/** @type {Variant} */ variant, /** @type {number} */ round) => {
    const measurement = await variant.measure(seconds)
    result.measurements[variant.key]?.push(measurement)
    log(`    round ${round + 1}/${rounds} ${variant.key}: ${formatNumber(measurement.value)}`)
    return measurement
  }
  for (let round = 0; round < rounds; round++) {
    let before = await run(base, round)
    for (let i = 0; i < others.length; i++) {
      const other = /** @type {Variant} */ (others[(i + round) % others.length])
      const measurement = await run(other, round)
      const after = await run(base, round)
      const around = (/** @type {'value' | 'perCpu'} */ field) => Number(measurement[field]) / ((Number(before[field]) + Number(after[field])) / 2)
      result.relative[other.key]?.push([around('value'), around('perCpu')])
      before = after
    }
    result.relative[base.key]?.push([1, 1])
  }
  return result
}

/** @param {number} value */
export function formatNumber (value) {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  if (Math.abs(value) >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

/**
 * @typedef {object} Goal
 * @property {'>=' | '<='} op
 * @property {number} value
 */

/**
 * @typedef {object} Row one line of the report
 * @property {string} id scenario number and letter, e.g. "2b"
 * @property {string} scenario
 * @property {string} a what was measured (and its median), or the measured quantity
 * @property {string} b what it is compared with (and its median), or ''
 * @property {number | null} value the ratio (or the quantity) that meets the goal or not
 * @property {string} unit '' for a ratio
 * @property {Goal | null} goal
 * @property {'pass' | 'fail' | 'info' | 'not run'} status
 * @property {string} [note]
 * @property {unknown} [detail] raw numbers for the JSON file
 */

/**
 * @param {Goal | null} goal
 * @param {number | null} value
 * @param {number} bad responses that were not 2xx during the measurement
 * @returns {Row['status']}
 */
export function judge (goal, value, bad = 0) {
  if (goal === null) return 'info'
  if (value === null || !Number.isFinite(value) || bad > 0) return 'fail'
  return (goal.op === '>=' ? value >= goal.value : value <= goal.value) ? 'pass' : 'fail'
}

/** @param {Measurement[]} list */
const badCount = (list) => list.reduce((sum, m) => sum + (m.bad ?? 0), 0)

/**
 * A ratio row: a against b, both measured in the same bracketed rounds (either may be the base).
 * @param {{ id: string, scenario: string, results: Bracketed, a: string, b: string, aLabel: string, bLabel: string, unit: string, goal: Goal | null, note?: string }} options
 * @returns {Row}
 */
export function ratioRow ({ id, scenario, results, a, b, aLabel, bLabel, unit, goal, note }) {
  const as = results.measurements[a] ?? []
  const bs = results.measurements[b] ?? []
  const ra = results.relative[a] ?? []
  const rb = results.relative[b] ?? []
  const per = (/** @type {0 | 1} */ field) => ra.map((round, i) => Number(round[field]) / Number(rb[i]?.[field]))
  const ratios = per(0)
  const cpuRatios = per(1)
  const value = median(ratios)
  const bad = badCount(as) + badCount(bs)
  const cpuRatio = cpuRatios.length > 0 && cpuRatios.every(Number.isFinite) ? median(cpuRatios) : null
  const notes = [note, bad > 0 ? `${bad} responses were not 2xx: the measurement does not count` : undefined].filter(Boolean)
  return {
    id,
    scenario,
    a: `${aLabel}: ${formatNumber(median(as.map((m) => m.value)))} ${unit}`,
    b: `${bLabel}: ${formatNumber(median(bs.map((m) => m.value)))} ${unit}`,
    value,
    unit: '',
    goal,
    status: judge(goal, value, bad),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    detail: { ratios, cpuRatio, cpuRatios, base: results.base, a: as, b: bs }
  }
}

/**
 * A row for a scenario that could not run here (say why).
 * @param {string} id @param {string} scenario @param {Goal | null} goal @param {string} why
 * @returns {Row}
 */
export function notRunRow (id, scenario, goal, why) {
  return { id, scenario, a: '', b: '', value: null, unit: '', goal, status: 'not run', note: why }
}

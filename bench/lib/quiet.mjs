// @ts-check
/**
 * Waiting for the machine to go quiet after a measurement that leaves work behind. A database
 * server keeps answering the queries that were in flight when the load generator stopped (FerretDB,
 * whose queries scan, for 200 to 400 ms after a refresh round here), on whatever core it likes:
 * without this wait that work lands in the next measurement.
 */
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/** @returns {Promise<{ idle: number, total: number } | null>} the machine's CPU jiffies, null without /proc/stat */
async function cpuJiffies () {
  try {
    const first = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? ''
    const fields = first.trim().split(/\s+/).slice(1).map(Number)
    if (fields.length < 5 || fields.some((value) => !Number.isFinite(value))) return null
    // idle and iowait
    return { idle: Number(fields[3]) + Number(fields[4]), total: fields.reduce((sum, value) => sum + value, 0) }
  } catch {
    return null
  }
}

/**
 * Resolves once a window of `windowMs` saw the machine's cores busy less than `busyBelow` of the
 * time (all cores together), or after `maxMs` whatever the load. Returns how long it waited and
 * whether it saw a quiet window; no wait where /proc/stat is missing.
 * @param {{ busyBelow?: number, windowMs?: number, maxMs?: number }} [options]
 * @returns {Promise<{ waitedMs: number, quiet: boolean }>}
 */
export async function untilQuiet ({ busyBelow = 0.25, windowMs = 200, maxMs = 5000 } = {}) {
  const started = performance.now()
  let before = await cpuJiffies()
  while (before !== null) {
    await sleep(windowMs)
    const after = await cpuJiffies()
    if (after === null) break
    const total = after.total - before.total
    const busy = total > 0 ? 1 - (after.idle - before.idle) / total : 0
    const waitedMs = performance.now() - started
    if (busy < busyBelow) return { waitedMs, quiet: true }
    if (waitedMs >= maxMs) return { waitedMs, quiet: false }
    before = after
  }
  return { waitedMs: performance.now() - started, quiet: true }
}

/**
 * The same measurement, followed by a wait for the machine to go quiet (see untilQuiet), so that
 * the work it leaves behind is not measured as part of the next one.
 * @template {import('./rounds.mjs').Measurement} M
 * @param {(seconds: number) => Promise<M>} measure
 * @returns {(seconds: number) => Promise<M & { settleMs: number }>}
 */
export function thenQuiet (measure) {
  return async (seconds) => {
    const measurement = await measure(seconds)
    const { waitedMs } = await untilQuiet()
    return { ...measurement, settleMs: Math.round(waitedMs) }
  }
}

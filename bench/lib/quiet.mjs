// @ts-check
/**
 * Waiting for the machine to go quiet after a measurement that leaves work behind. A database
 * server keeps answering the queries that were in flight when the load generator stopped (FerretDB,
 * whose queries scan, for 200 to 400 ms after a refresh round here), on whatever core it likes:
 * without this wait that work lands in the next measurement.
 */
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'

/** The machine's CPU time so far, all cores together (ms): idle, and in all. */
function cpuTimes () {
  let idle = 0
  let total = 0
  for (const { times } of cpus()) {
    idle += times.idle
    total += times.user + times.nice + times.sys + times.irq + times.idle
  }
  return { idle, total }
}

/**
 * Resolves once a window of `windowMs` saw the machine's cores busy less than `busyBelow` of the
 * time (all cores together, from os.cpus()), or after `maxMs` whatever the load. Returns how long
 * it waited and whether it saw a quiet window.
 * @param {{ busyBelow?: number, windowMs?: number, maxMs?: number }} [options]
 * @returns {Promise<{ waitedMs: number, quiet: boolean }>}
 */
export async function untilQuiet ({ busyBelow = 0.25, windowMs = 200, maxMs = 5000 } = {}) {
  const started = performance.now()
  let before = cpuTimes()
  for (;;) {
    await sleep(windowMs)
    const after = cpuTimes()
    const total = after.total - before.total
    const busy = total > 0 ? 1 - (after.idle - before.idle) / total : 0
    const waitedMs = performance.now() - started
    if (busy < busyBelow) return { waitedMs, quiet: true }
    if (waitedMs >= maxMs) return { waitedMs, quiet: false }
    before = after
  }
}

/**
 * The same measurement, followed by a wait for the machine to go quiet (see untilQuiet), so that
 * the work it leaves behind is not measured as part of the next one.
 * @template {import('./rounds.mjs').Measurement} M
 * @param {(seconds: number) => Promise<M>} measure
 * @returns {(seconds: number) => Promise<M & { settleMs: number, settled: boolean }>}
 */
export function thenQuiet (measure) {
  return async (seconds) => {
    const measurement = await measure(seconds)
    const { waitedMs, quiet } = await untilQuiet()
    return { ...measurement, settleMs: Math.round(waitedMs), settled: quiet }
  }
}

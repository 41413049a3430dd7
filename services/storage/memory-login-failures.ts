import type { LoginFailure } from './types.js'

/** Failed-login timestamps per throttle key, for the memory store. */
export function createMemoryLoginFailures () {
  /** key -> expiry times (ms) of its failures, oldest first; lastAt is the newest failure. */
  const failures = new Map<string, { expiries: number[], lastAt: number }>()

  function live (key: string, now: number): { expiries: number[], lastAt: number } | undefined {
    const entry = failures.get(key)
    if (entry === undefined) return undefined
    entry.expiries = entry.expiries.filter((expiry) => expiry > now)
    if (entry.expiries.length === 0) {
      failures.delete(key)
      return undefined
    }
    return entry
  }

  return {
    record (keys: string[], at: Date, expiresAt: Date): number[] {
      return keys.map((key) => {
        const entry = live(key, at.getTime()) ?? { expiries: [], lastAt: 0 }
        entry.expiries.push(expiresAt.getTime())
        entry.lastAt = Math.max(entry.lastAt, at.getTime())
        failures.set(key, entry)
        return entry.expiries.length
      })
    },

    get (keys: string[], now: Date): Array<LoginFailure | null> {
      return keys.map((key) => {
        const entry = live(key, now.getTime())
        return entry === undefined ? null : { count: entry.expiries.length, lastFailureAt: new Date(entry.lastAt) }
      })
    },

    clear (keys: string[]): void {
      for (const key of keys) failures.delete(key)
    },

    prune (now: Date): number {
      let removed = 0
      for (const key of [...failures.keys()]) {
        const before = failures.get(key)?.expiries.length ?? 0
        removed += before - (live(key, now.getTime())?.expiries.length ?? 0)
      }
      return removed
    }
  }
}

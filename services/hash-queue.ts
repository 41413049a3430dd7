import { AppError } from './errors.js'

export class HashingOverloadedError extends AppError {
  override name = 'HashingOverloadedError'
  readonly retryAfterSeconds = 1
  constructor () {
    super(503, 'overloaded', 'Too many password checks in progress, retry shortly')
  }
}

/**
 * At most `limit` operations at once (one per core this process may use), the others wait in
 * arrival order. argon2 is CPU-bound: more hashes at once than cores add no throughput, only
 * 19 MiB each, and they hold libuv's pool threads (shared with fs, dns.lookup, zlib) meanwhile.
 * Beyond `maxQueued` waiting, an operation fails at once with HashingOverloadedError: under a
 * flood of logins a client learns to retry in a second instead of every client waiting longer
 * than its own timeout for a hash that is then wasted.
 */
export function createHashQueue (limit: number, maxQueued: number) {
  let running = 0
  const waiting: (() => void)[] = []
  return async function run<T> (task: () => Promise<T>): Promise<T> {
    if (running >= limit) {
      if (waiting.length >= maxQueued) throw new HashingOverloadedError()
      await new Promise<void>((resolve) => waiting.push(resolve))
    } else running++
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running--
      else next() // the slot passes straight to the next in line
    }
  }
}

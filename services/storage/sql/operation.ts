import { AsyncLocalStorage } from 'node:async_hooks'
import { withDeadline } from '../deadline.js'

/*
 * One store operation's time budget (STORAGE_TIMEOUT_MS) over a pooled database (MySQL,
 * PostgreSQL). The pools in sql/mysql.ts and sql/postgres.ts register each connection they hand
 * out with the operation that asked for it (found through AsyncLocalStorage, as Kysely acquires
 * connections out of our sight); when the time is up, every connection it holds is abandoned
 * (destroyed, never returned to the pool), and one that arrives later is handed back unused.
 */

interface Operation {
  expired: boolean
  abandon: Set<() => void>
}

const operations = new AsyncLocalStorage<Operation>()

/** Runs `work` within `timeoutMs`; rejects with StorageTimeoutError after abandoning its connections. */
export function runWithinDeadline<T> (timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const operation: Operation = { expired: false, abandon: new Set() }
  return withDeadline(operations.run(operation, work), timeoutMs, () => {
    operation.expired = true
    for (const abandon of [...operation.abandon]) abandon()
  })
}

/** How a connection ends: released to the pool (false) or abandoned because its operation ran out of time (true). */
export type Finish = (abandoned: boolean) => void

/**
 * Called by a pool when asked for a connection (in the asker's context). Once the connection is
 * there, give `finish` to the function returned: it returns the connection's release function,
 * or undefined when the operation has already run out of time (hand the connection back unused).
 * `finish` runs once, whichever comes first: the release or the operation's expiry.
 */
export function holdInOperation (): (finish: Finish) => (() => void) | undefined {
  const operation = operations.getStore()
  return (finish) => {
    if (operation?.expired === true) return undefined
    let done = false
    const settle = (abandoned: boolean) => {
      if (done) return
      done = true
      operation?.abandon.delete(abandon)
      finish(abandoned)
    }
    const abandon = () => settle(true)
    operation?.abandon.add(abandon)
    return () => settle(false)
  }
}

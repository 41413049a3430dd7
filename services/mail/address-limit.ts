import { sha256Hex } from '../sha256.js'
import type { Store } from '../storage/types.js'

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
/** Messages of one kind (reset, verify, change) one address may receive per clock hour (and one per clock minute). */
export const MESSAGES_PER_HOUR = 5

export interface AddressLimit {
  /** True when one more message of this kind may go to this address now (and counts it); false over the limit. */
  allow (address: string, kind: string): Promise<boolean>
}

/**
 * Per-address limit on outgoing mail, counted in storage so it holds across instances. It
 * reuses the store's login-failure counters (recordLoginFailures: race-safe, each count expiring
 * on its own) under keys that cannot meet a login key: a SHA-256 of a "mail" prefix, the address
 * and a fixed window. The minute window is claimed first: of concurrent requests in one minute
 * only the one that counts 1 goes on, so the hour count moves at most once a minute. A request
 * over the limit is not an error to the caller: the flow sends nothing and answers the same.
 */
export function createAddressLimit ({ store, now }: { store: Pick<Store, 'recordLoginFailures'>, now: () => number }): AddressLimit {
  async function count (address: string, kind: string, windowMs: number, at: number): Promise<number> {
    const window = Math.floor(at / windowMs)
    const key = sha256Hex(`mail\u0000${kind}\u0000${windowMs}\u0000${window}\u0000${address}`)
    const [counted = 0] = await store.recordLoginFailures([key], new Date(at), new Date((window + 1) * windowMs))
    return counted
  }

  return {
    async allow (address, kind) {
      const at = now()
      if (await count(address, kind, MINUTE_MS, at) > 1) return false
      return await count(address, kind, HOUR_MS, at) <= MESSAGES_PER_HOUR
    }
  }
}

import { OAuthError } from './errors.js'

export class ClientAuthLimitedError extends OAuthError {
  override name = 'ClientAuthLimitedError'
  readonly retryAfterSeconds: number
  constructor (retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many failed client authentications, retry later')
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export interface ClientAuthLimiter {
  /** Throws ClientAuthLimitedError when this attempt may not even be checked. */
  assertAllowed (clientId: string | null, ip: string): void
  recordFailure (clientId: string | null, ip: string): void
}

/**
 * Failed client authentications counted in fixed windows, per IP and per known client id (an
 * unknown id has no secret to guess). An IP that has failed `maxFailures` times is refused. A
 * client id that has failed `maxFailures` times is refused only to IPs that have failed
 * themselves in this window: a guessing attacker is stopped, while the resource server that holds
 * the right secret (and never fails) keeps introspecting. Per process, in memory: both maps are
 * emptied at each window's end, so they hold at most one window's failing IPs.
 */
export function createClientAuthLimiter ({ maxFailures, windowMs, now, knownClientIds }: {
  maxFailures: number
  windowMs: number
  now: () => number
  knownClientIds: ReadonlySet<string>
}): ClientAuthLimiter {
  let windowEnds = 0
  const byIp = new Map<string, number>()
  const byClient = new Map<string, number>()

  function currentWindow (): void {
    const at = now()
    if (at < windowEnds) return
    byIp.clear()
    byClient.clear()
    windowEnds = at + windowMs
  }
  const retryAfter = () => Math.max(1, Math.ceil((windowEnds - now()) / 1000))

  return {
    assertAllowed (clientId, ip) {
      if (maxFailures === 0) return
      currentWindow()
      const ipFailures = byIp.get(ip) ?? 0
      const clientFailures = clientId === null ? 0 : byClient.get(clientId) ?? 0
      if (ipFailures >= maxFailures || (ipFailures > 0 && clientFailures >= maxFailures)) throw new ClientAuthLimitedError(retryAfter())
    },
    recordFailure (clientId, ip) {
      if (maxFailures === 0) return
      currentWindow()
      byIp.set(ip, (byIp.get(ip) ?? 0) + 1)
      if (clientId !== null && knownClientIds.has(clientId)) byClient.set(clientId, (byClient.get(clientId) ?? 0) + 1)
    }
  }
}

import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'

/** A small HTTP client for a server process: every call returns the status and the parsed body. */
export interface Reply { status: number, body: Record<string, unknown> }

export interface Pair { access_token: string, refresh_token: string }

export const PASSWORD = 'reliability: correct horse battery'

export function client (baseUrl: string) {
  async function call (method: string, path: string, options: { json?: unknown, bearer?: string, form?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = {}
    let body: string | undefined
    if (options.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(options.json) }
    if (options.form !== undefined) { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(options.form).toString() }
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body })
    const text = await res.text()
    return { status: res.status, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown> }
  }
  return {
    call,
    register: (username: string, password = PASSWORD) => call('POST', '/auth/register', { json: { username, password } }),
    login: (username: string, password = PASSWORD) => call('POST', '/auth/login', { json: { username, password } }),
    refresh: (refreshToken: string) => call('POST', '/auth/refresh', { json: { refresh_token: refreshToken } }),
    logout: (accessToken: string) => call('POST', '/auth/logout', { bearer: accessToken }),
    logoutAll: (accessToken: string) => call('POST', '/auth/logout-all', { bearer: accessToken }),
    revoke: (token: string) => call('POST', '/oauth/revoke', { form: { token } }),
    hello: (accessToken: string) => call('GET', '/protected/hello', { bearer: accessToken }),
    /** Logs in and fails loudly on anything but 200. */
    async pair (username: string): Promise<Pair> {
      const reply = await call('POST', '/auth/login', { json: { username, password: PASSWORD } })
      if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.body)}`)
      return reply.body as unknown as Pair
    }
  }
}

export type Client = ReturnType<typeof client>

/**
 * Asks `check` every `everyMs` until it returns true or `withinMs` has passed: for "another
 * process has noticed" only, where there is no event to await. Resolves with the time it took,
 * or null when it never became true.
 */
export async function pollUntil (check: () => Promise<boolean>, withinMs: number, everyMs = 20): Promise<number | null> {
  const started = performance.now()
  for (;;) {
    if (await check()) return Math.round(performance.now() - started)
    if (performance.now() - started > withinMs) return null
    await delay(everyMs)
  }
}

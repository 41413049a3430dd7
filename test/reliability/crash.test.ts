import t from 'tap'
import { forEachAdapter, type AdapterKind, type DatabaseDump } from '../adapters/databases.js'
import { TEST_SECRET } from '../helper.js'
import { buildDist, startServer } from '../e2e/server-process.js'
import { client, type Client, type Pair } from './client.js'

/** Concurrent clients, each looping register -> login -> refresh × REFRESHES. */
const CLIENTS = 6
const REFRESHES = 3
/** Completed requests before the kill: the load is well under way, every client has one in flight. */
const COMPLETED_BEFORE_KILL = 40

interface Session { username: string, tokens: string[], refreshInFlight: boolean }

interface Workload {
  registered: Map<string, 'created' | 'unknown'>
  sessions: Session[]
  /** Resolves once COMPLETED_BEFORE_KILL requests have answered. */
  warmedUp: Promise<void>
  /** Stops the loops (after the kill every request fails) and resolves when all have. */
  stopped (): Promise<void>
}

/** Bounded load: CLIENTS loops that stop at the first failed request (the kill). */
function startWorkload (http: Client, prefix: string): Workload {
  const registered = new Map<string, 'created' | 'unknown'>()
  const sessions: Session[] = []
  let completed = 0
  let warm: () => void = () => {}
  const warmedUp = new Promise<void>((resolve) => { warm = resolve })
  const done = () => { completed += 1; if (completed >= COMPLETED_BEFORE_KILL) warm() }

  async function loop (id: number): Promise<void> {
    for (let round = 0; ; round++) {
      const username = `${prefix}_${id}_${round}`
      registered.set(username, 'unknown')
      if ((await http.register(username)).status !== 201) throw new Error(`register ${username} failed`)
      registered.set(username, 'created')
      done()
      const session: Session = { username, tokens: [], refreshInFlight: false }
      session.tokens.push((await http.pair(username)).refresh_token)
      sessions.push(session)
      done()
      for (let i = 0; i < REFRESHES; i++) {
        session.refreshInFlight = true
        const reply = await http.refresh(session.tokens.at(-1) as string)
        if (reply.status !== 200) throw new Error(`refresh failed: ${reply.status}`)
        session.tokens.push((reply.body as unknown as Pair).refresh_token)
        session.refreshInFlight = false
        done()
      }
    }
  }
  const loops = Array.from({ length: CLIENTS }, (_, id) => loop(id).catch(() => {}))
  return { registered, sessions, warmedUp, stopped: async () => { await Promise.all(loops) } }
}

/** Per session id: how many refresh tokens are current (not retired), and whether it is revoked. */
function currentTokens (kind: AdapterKind, dump: DatabaseDump): Map<string, { current: number, revoked: boolean }> {
  const sessions = new Map<string, { current: number, revoked: boolean }>()
  for (const row of dump.sessions ?? []) {
    sessions.set(String(row.id ?? row._id), { current: 0, revoked: (row.revoked_at ?? row.revokedAt) !== null })
  }
  const tokens = (kind !== 'mongodb' ? dump.refresh_tokens : dump.refreshTokens) ?? []
  const retired = new Set(tokens.map((token) => String(token.previous)))
  for (const token of tokens) {
    const isCurrent = kind !== 'mongodb' ? token.rotated_at === null : !retired.has(String(token._id))
    const session = sessions.get(String(token.session_id ?? token.sessionId))
    if (isCurrent && session !== undefined) session.current += 1
  }
  return sessions
}

/**
 * kill -9 of the server while registrations, logins and refreshes are in flight, then a restart
 * on the same database: whatever answered is there, whatever was cut off is all there or not at
 * all, and every session has exactly one refresh token that works.
 */
t.before(buildDist)

forEachAdapter(t, async (t, database) => {
  const env = { STORAGE_URL: database.url, JWT_SECRET: TEST_SECRET, RATE_LIMIT_AUTH_MAX: '0', REFRESH_REUSE_GRACE: '3600' }

  t.test('kill -9 under load - should keep every answered write and no half-written one', async (t) => {
    const first = await startServer(env)
    t.teardown(() => first.stop('SIGKILL'))
    const load = startWorkload(client(first.url), `crash_${database.kind}_${process.pid}`)
    await load.warmedUp
    t.equal(await first.stop('SIGKILL'), null, 'killed by the signal')
    await load.stopped()
    const cut = [...load.registered.values()].filter((state) => state === 'unknown').length + load.sessions.filter((s) => s.refreshInFlight).length
    t.comment(`${database.kind}: killed after ${load.registered.size} registrations and ${load.sessions.length} sessions; ${cut} registration(s)/refresh(es) cut off`)

    const second = await startServer(env)
    t.teardown(() => second.stop('SIGKILL'))
    const http = client(second.url)
    for (const [username, state] of load.registered) {
      const login = await http.login(username)
      if (state === 'created') {
        t.equal(login.status, 200, `${username} (got 201) logs in`)
      } else if (login.status !== 200) {
        t.equal(login.status, 401, `${username} (cut off) is absent`)
        t.equal((await http.register(username)).status, 201, `${username} (cut off) left nothing behind: it registers`)
      }
    }
    for (const session of load.sessions) {
      const newest = session.tokens.at(-1) as string
      const reply = await http.refresh(newest)
      if (reply.status === 200) {
        t.equal((await http.refresh(newest)).status, 401, `${session.username}: the used token is retired`)
        t.equal((await http.refresh((reply.body as unknown as Pair).refresh_token)).status, 200, `${session.username}: its successor works`)
      } else {
        // Only a refresh cut off by the kill may have rotated the token without the client knowing.
        t.ok(session.refreshInFlight && reply.body.code === 'refresh_token_superseded', `${session.username}: ${reply.status} ${String(reply.body.code)}`)
      }
      for (const older of session.tokens.slice(0, -1)) t.equal((await http.refresh(older)).status, 401, `${session.username}: an older token is refused`)
    }

    const dump = await database.dump()
    for (const user of dump.users ?? []) t.match(user.password_hash ?? user.passwordHash, /^\$argon2id\$/, 'every stored user is whole')
    const known = new Set(load.sessions.map((session) => session.username))
    let tokenless = 0
    for (const [id, { current, revoked }] of currentTokens(database.kind, dump)) {
      if (revoked) continue
      // MongoDB writes a session before its first token (no transactions): a login cut between the two leaves an unusable session.
      if (current === 0 && database.kind === 'mongodb') { tokenless += 1; continue }
      t.equal(current, 1, `session ${id} has exactly one current refresh token`)
    }
    t.ok(tokenless <= CLIENTS, `at most one token-less session per cut-off login (${tokenless})`)
    t.ok(known.size > 0, 'sessions were checked')
  })
})

import { join } from 'node:path'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { build, PASSWORD, register, TEST_SECRET } from '../helper.js'
import { classify, fillPath, routeCollector, routeKey, type RouteUnderTest } from './hostile/catalogue.js'
import { bodyFor, hostileAuthorization, pathSegment, queryFor } from './hostile/inputs.js'

/**
 * Routes that take no credentials, change state, and may answer 2xx to any input their schema
 * accepts; every other public POST / PUT / PATCH / DELETE (login, refresh, the token endpoint,
 * and any route added later) must never answer 2xx to hostile input.
 */
const OPEN_WRITES: Record<string, string> = {
  'POST /auth/register': 'open sign-up: any username and password the schema accepts make an account',
  'POST /oauth/revoke': 'RFC 7009 section 2.2: 200 whether or not the token was valid, so a caller learns nothing',
  'POST /auth/password/forgot': '202 whether or not an account matches (mail goes only to a real account\'s own address), so a caller learns nothing',
  'POST /auth/email/verify/request': '202 whether or not an account matches (mail goes only to a real account\'s own address), so a caller learns nothing',
  'POST /auth/passkeys/login/options': 'hands anyone a fresh login challenge (stored 5 minutes, IP rate-limited): it names no user and proves nothing'
}
/** Routes whose error replies are not JSON, and why. */
const TEXT_ERRORS: Record<string, string> = {
  'OPTIONS *': '@fastify/cors answers a malformed preflight with 400 text/plain "Invalid Preflight Request"'
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** A body field that proves who the caller is: a valid session alone must not do what it guards. */
const PROOF_FIELD = /^(current_)?password$/
/** Never in a reply: the password hashes, the signing secret, a user's password, a file outside the served folders. */
const LEAKS = ['$argon2', TEST_SECRET, PASSWORD, '"devDependencies"']
const RUNS = { hostile: 20, user: 5, session: 15 }
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)

/** hostile: credentials that prove nothing; user: a plain user's valid session; session: a valid session with the role the route needs. */
type Caller = keyof typeof RUNS

interface Reply { statusCode: number, body: string }

/** Fastify's shape { statusCode, error, message } or RFC 6749's { error, error_description } (the OAuth routes). */
function isJsonError (body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { error?: unknown }).error === 'string'
  } catch {
    return false
  }
}

/** Why the reply is wrong, or null. */
function verdict (route: RouteUnderTest, caller: Caller, res: Reply): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}`
  const leak = LEAKS.find((secret) => res.body.includes(secret))
  if (leak !== undefined) return `leaked ${leak.slice(0, 12)}…`
  if (res.statusCode >= 400 && route.method !== 'HEAD' && !(routeKey(route) in TEXT_ERRORS) && !isJsonError(res.body)) return 'an error reply that is not JSON naming the error'
  if (res.statusCode < 200 || res.statusCode >= 300) return null
  if (caller === 'hostile' && route.credentialed) return `answered ${res.statusCode} without valid credentials`
  if (caller === 'hostile' && !SAFE_METHODS.has(route.method) && !(routeKey(route) in OPEN_WRITES)) return `a public ${route.method} answered ${res.statusCode} to hostile input`
  if (caller === 'user' && route.roleProtected) return `answered ${res.statusCode} to a user without the role`
  if (caller === 'session' && route.requiredBody.some((name) => PROOF_FIELD.test(name))) return `answered ${res.statusCode} to a session without the proof its body asks for`
  return null
}

async function setup (t: Parameters<typeof build>[0]) {
  const { routes: collected, onRoute } = routeCollector()
  // With the README's own-module examples (test/fixtures/routes/): route folders added later are covered too.
  const extraRouteDirs = [join(import.meta.dirname, '..', 'fixtures', 'routes')]
  const app = await build(t, { env: { INTROSPECTION_CLIENTS: 'gw:secret' }, onRoute, extraRouteDirs })
  const user = await register(app)
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  // The ids the admin routes are pointed at: never the admin's own, nor the plain user's (both must outlive the test).
  const victims = [await register(app), await register(app), await register(app)]
  const sessionOf = (id: string) => async () => {
    const record = await app.store.findUserById(id)
    if (record === null) throw new Error(`user ${id} is gone`)
    return `Bearer ${(await app.sessions.start(record, {})).access_token}`
  }
  const userBearer = sessionOf(user.id)
  const spent = await app.sessions.start((await app.store.findUserById(user.id))!, {})
  const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${spent.access_token}` } })
  if (logout.statusCode !== 204) throw new Error(`logout failed: ${logout.statusCode}`) // its tokens are now the wrong kind: revoked
  const routes = await classify(app, collected, userBearer)
  return { app, routes, userBearer, adminBearer: sessionOf(admin.id), known: victims.map((victim) => victim.id), wrongKind: [spent.refresh_token, spent.access_token] }
}

function property (app: FastifyInstance, route: RouteUnderTest, caller: Caller, authorization: fc.Arbitrary<string | undefined | (() => Promise<string>)>, known: string[]) {
  const segments = fc.array(pathSegment(known), { minLength: 1, maxLength: 3 })
  return fc.asyncProperty(segments, queryFor(route.queryFields), bodyFor(route.bodyFields), authorization, async (path, query, { contentType, payload }, auth) => {
    const headers: Record<string, string> = {}
    if (contentType !== '') headers['content-type'] = contentType
    const value = typeof auth === 'function' ? await auth() : auth
    if (value !== undefined) headers.authorization = value
    const method = route.method as 'GET'
    const res = await app.inject({ method, url: `${fillPath(route.url, path)}${query}`, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { payload }) })
    const wrong = verdict(route, caller, res)
    if (wrong !== null) throw new Error(`${method} ${fillPath(route.url, path)}${query.slice(0, 80)} ${wrong}: ${res.body.slice(0, 200)}`)
  })
}

t.test('hostile input at every route the app registers - never a 5xx, never a 2xx that credentials should have earned', async (t) => {
  const { app, routes, userBearer, adminBearer, known, wrongKind } = await setup(t)
  t.comment(`fast-check seed ${seed} (FC_SEED=${seed} replays it); ${routes.length} routes`)
  for (const route of routes.filter((r) => r.url.startsWith('/admin/'))) t.ok(route.credentialed && route.roleProtected, `${routeKey(route)}: found guarded, for admins only`)
  for (const url of ['/auth/me', '/auth/sessions', '/auth/password', '/auth/logout', '/protected/hello', '/fixture-map-notes/', '/fixture-notes/', '/fixture-notes/:id']) t.ok(routes.some((r) => r.url === url && r.credentialed), `${url}: found guarded`)

  const plan: Array<[Caller, RouteUnderTest[], (route: RouteUnderTest) => fc.Arbitrary<string | undefined | (() => Promise<string>)>]> = [
    ['hostile', routes, () => hostileAuthorization(TEST_SECRET, wrongKind)],
    ['user', routes.filter((r) => r.roleProtected), () => fc.constant(userBearer)],
    ['session', routes.filter((r) => r.credentialed), (route) => fc.constant(route.roleProtected ? adminBearer : userBearer)]
  ]
  for (const [caller, subjects, authorization] of plan) {
    let passed = 0
    for (const route of subjects) {
      try {
        await fc.assert(property(app, route, caller, authorization(route), known), { numRuns: RUNS[caller], seed })
        passed++
      } catch (error) {
        const { message, cause } = error as Error
        t.fail(`${caller} caller, ${routeKey(route)}: ${String(cause ?? message)}\n${message}`)
      }
    }
    t.equal(passed, subjects.length, `${caller} caller: ${subjects.length} routes × ${RUNS[caller]} requests, every reply acceptable`)
  }
  t.equal((await app.inject('/health')).statusCode, 200, 'the server is still up')
})

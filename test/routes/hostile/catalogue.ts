import type { FastifyInstance, RouteOptions } from 'fastify'

/**
 * Every route of the app as it registers them (one entry per method), with what the hostile-input
 * test needs to know to judge a reply: taken from the routes themselves, so that a route added
 * later is covered, and judged, without editing the test.
 */
export interface RouteUnderTest {
  method: string
  /** As registered: `/admin/users/:id`, `/docs/static/*`. */
  url: string
  /** The schema names a security scheme and offers no "no credentials" alternative. */
  declaresCredentials: boolean
  /** Answers 401 to a request without credentials (what the guard says, whatever the schema says). */
  credentialed: boolean
  /** Answers 403 to a valid session of a user with no extra role (the admin routes). */
  roleProtected: boolean
  /** The names the body schema requires. */
  requiredBody: string[]
  /** The fields the body and querystring schemas name: hostile values are put there, past the schema's field checks. */
  bodyFields: string[]
  queryFields: string[]
}

type Collected = Pick<RouteUnderTest, 'method' | 'url' | 'declaresCredentials' | 'requiredBody' | 'bodyFields' | 'queryFields'>
interface ObjectSchema { required?: string[], properties?: Record<string, unknown> }

/** An onRoute hook for build(), and the routes it saw. */
export function routeCollector () {
  const routes: Collected[] = []
  function onRoute (route: RouteOptions): void {
    const schema = (route.schema ?? {}) as { security?: Array<Record<string, unknown>>, body?: ObjectSchema, querystring?: ObjectSchema }
    const security = schema.security ?? []
    const declaresCredentials = security.length > 0 && security.every((requirement) => Object.keys(requirement).length > 0)
    for (const method of [route.method].flat()) {
      routes.push({
        method,
        url: route.url,
        declaresCredentials,
        requiredBody: schema.body?.required ?? [],
        bodyFields: Object.keys(schema.body?.properties ?? {}),
        queryFields: Object.keys(schema.querystring?.properties ?? {})
      })
    }
  }
  return { routes, onRoute }
}

/** The URL with each `:param` and `*` replaced by the next of `segments` (cycled). */
export function fillPath (url: string, segments: string[]): string {
  let next = 0
  const take = () => segments.length === 0 ? 'x' : segments[next++ % segments.length] as string
  const path = url.replace(/:[A-Za-z_]\w*(\([^)]*\))?|\*/g, take)
  return path.startsWith('/') ? path : `/${path}`
}

/** Asks each route, without credentials and then with a plain user's fresh session, what it guards. */
export async function classify (app: FastifyInstance, routes: Collected[], userBearer: () => Promise<string>): Promise<RouteUnderTest[]> {
  const classified: RouteUnderTest[] = []
  for (const route of routes) {
    const url = fillPath(route.url, ['probe'])
    const method = route.method as 'GET'
    const anonymous = await app.inject({ method, url })
    const credentialed = route.declaresCredentials || anonymous.statusCode === 401
    const asUser = credentialed ? await app.inject({ method, url, headers: { authorization: await userBearer() } }) : undefined
    classified.push({ ...route, credentialed, roleProtected: asUser?.statusCode === 403 })
  }
  return classified
}

/** "POST /auth/register": how the exceptions below are keyed. */
export const routeKey = (route: Pick<RouteUnderTest, 'method' | 'url'>) => `${route.method} ${route.url}`

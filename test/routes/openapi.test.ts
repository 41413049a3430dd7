import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import type { RouteOptions } from 'fastify'
import t from 'tap'
import { build } from '../helper.js'

type Schema = Record<string, unknown>
interface Operation { summary?: string, tags?: string[], security?: unknown[], responses: Record<string, { content?: Record<string, { example?: unknown, examples?: unknown }> }> }

const AjvClass = Ajv.default
const ajv = addFormats.default(new AjvClass({ strict: false, allErrors: true }))

/** Every schema node that carries `examples`, with its path for messages. */
function * withExamples (schema: unknown, path: string): Generator<[Schema, string]> {
  if (typeof schema !== 'object' || schema === null) return
  const node = schema as Schema
  if (Array.isArray(node.examples)) yield [node, path]
  for (const [key, child] of Object.entries(node)) {
    if (key === 'examples') continue
    if (typeof child === 'object' && child !== null) yield * withExamples(child, `${path}/${key}`)
  }
}

/** Fastify's /a/:id becomes OpenAPI's /a/{id}. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

t.test('OpenAPI - every route is documented with a summary, tags, every status and an example for each', async (t) => {
  const routes: RouteOptions[] = []
  const app = await build(t, { onRoute: (route) => { routes.push(route) } })
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>>, components: { securitySchemes: Schema } }
  t.match(doc.components.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' }, basicAuth: { type: 'http', scheme: 'basic' } })

  const documented = routes.filter((route) => {
    const schema = route.schema as Schema | undefined
    return schema?.hide !== true && !route.url.startsWith('/docs') && route.method !== 'HEAD' && route.method !== 'OPTIONS'
  })
  t.ok(documented.length >= 18, `${documented.length} routes checked`)
  for (const route of documented) {
    const method = String(route.method).toLowerCase()
    const name = `${method.toUpperCase()} ${route.url}`
    const operation = doc.paths[openApiPath(route.url)]?.[method]
    if (operation === undefined) {
      t.fail(`${name} is missing from /openapi.json`)
      continue
    }
    t.ok(operation.summary, `${name} has a summary`)
    t.ok(operation.tags?.length, `${name} has a tag`)
    const statuses = Object.keys((route.schema as { response?: Schema }).response ?? {})
    t.ok(statuses.length > 0, `${name} declares its replies`)
    for (const status of statuses) {
      const content = operation.responses[status]?.content?.['application/json']
      t.ok(operation.responses[status], `${name} documents ${status}`)
      if (status !== '204' && content !== undefined) t.ok(content.example !== undefined || content.examples !== undefined, `${name} ${status} has an example`)
    }
  }
})

t.test('OpenAPI - every example validates against the schema that declares it', async (t) => {
  const routes: RouteOptions[] = []
  await build(t, { onRoute: (route) => { routes.push(route) } })
  let checked = 0
  for (const route of routes) {
    for (const [node, path] of withExamples(route.schema, `${String(route.method)} ${route.url}`)) {
      const validate = ajv.compile({ ...node, examples: undefined })
      for (const example of node.examples as unknown[]) {
        checked++
        t.ok(validate(example), `${path}: ${JSON.stringify(example).slice(0, 80)} ${ajv.errorsText(validate.errors)}`)
      }
    }
  }
  t.ok(checked >= 40, `${checked} examples validated`)
})

t.test('docs - Swagger UI is served from the package, no CDN', async (t) => {
  const app = await build(t)
  const page = await app.inject('/docs')
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, /https?:\/\/(?!127\.0\.0\.1|localhost)[^"']*\.(js|css)/, 'no script or style from elsewhere')
  t.equal((await app.inject('/docs/static/swagger-ui-bundle.js')).statusCode, 200)
})

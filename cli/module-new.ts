import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { UsageError } from './app-context.js'

export const moduleNewHelp = `Usage: npm run cli -- module:new <name> [--protected]

Writes routes/<name>/index.ts (GET /<name>/, schemas and an OpenAPI example included),
routes/<name>/autohooks.ts with --protected (every route of the folder then needs a valid
access token), and test/routes/<name>.test.ts. Nothing else needs registering: npm test and
npm run dev pick the folder up. Existing files are never overwritten.`

/** Lower-case letters, digits and dashes: a URL prefix and a folder name. */
const MODULE_NAME = /^[a-z][a-z0-9-]{0,39}$/
/** Prefixes the server already serves from elsewhere than a routes/ folder of that name. */
const TAKEN = new Set(['docs', 'demo', 'openapi.json', 'health', 'ready', 'well-known'])

export interface ModuleOptions { name: string, protected: boolean }

export function parseModuleNewArgs (args: string[]): ModuleOptions {
  const flags = args.filter((arg) => arg.startsWith('--'))
  const names = args.filter((arg) => !arg.startsWith('--'))
  const unknown = flags.find((flag) => flag !== '--protected')
  if (unknown !== undefined) throw new UsageError(`unknown argument ${unknown} (known: --protected)`)
  if (names.length !== 1) throw new UsageError('give one module name: npm run cli -- module:new <name> [--protected]')
  const name = names[0] as string
  if (!MODULE_NAME.test(name)) throw new UsageError(`${JSON.stringify(name)}: a module name is lower-case letters, digits and dashes, starting with a letter (it becomes the URL prefix /${name}/)`)
  if (TAKEN.has(name)) throw new UsageError(`/${name} is already served by the server: choose another name`)
  return { name, protected: flags.includes('--protected') }
}

const identifier = (name: string) => name.replace(/-([a-z0-9])/g, (_match, char: string) => char.toUpperCase())

function routeFile ({ name, protected: guarded }: ModuleOptions): string {
  const greeting = guarded ? `hello from ${name}, user 7d1e…` : `hello from ${name}`
  return `import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
${guarded ? "import { BEARER, errorReplies } from '../../schemas/common.js'\n" : ''}
// Every reply has a schema: it documents the route (/docs) and serializes only what it lists.
const Greeting = Type.Object({ message: Type.String() }, {
  description: 'A greeting',
  examples: [{ message: '${greeting}' }]
})

/** /${name}/: ${guarded ? 'every route here needs a valid access token (autohooks.ts)' : 'public: no autohooks.ts, so anyone may call it'}. */
const ${identifier(name)}: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/', {
    schema: { tags: ['${name}'], summary: 'Example route of the ${name} module'${guarded ? ', security: BEARER' : ''}, response: { 200: Greeting${guarded ? ', ...errorReplies(401)' : ''} } }
  }, async (${guarded ? 'request' : ''}) => ({ message: ${guarded ? `\`hello from ${name}, user \${request.user.sub}\`` : `'${greeting}'`} }))
}

export default ${identifier(name)}
`
}

const AUTOHOOKS = `import type { FastifyPluginAsync } from 'fastify'

/** Every route in this folder (and below) needs a valid access token: Authorization: Bearer <token>. */
const guard: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate)
}

export default guard
`

function testFile ({ name, protected: guarded }: ModuleOptions): string {
  const body = guarded
    ? `  t.equal((await app.inject('/${name}/')).statusCode, 401, 'no token: refused')
  const user = await registerAndLogin(app)
  const res = await app.inject({ url: '/${name}/', headers: bearer(user.access_token) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { message: \`hello from ${name}, user \${user.id}\` })`
    : `  const res = await app.inject('/${name}/')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { message: 'hello from ${name}' })`
  return `import t from 'tap'
import { ${guarded ? 'bearer, build, registerAndLogin' : 'build'} } from '../helper.js'

t.test('${name} - GET /${name}/ ${guarded ? 'answers a signed-in user and refuses a request without a token' : 'answers anyone'}', async (t) => {
  const app = await build(t)
${body}
})
`
}

/** Writes the module under `root` (the project folder); returns the files written, relative to it. */
export function writeModule (root: string, options: ModuleOptions): string[] {
  const folder = join(root, 'routes', options.name)
  const files: Array<[string, string]> = [[join(folder, 'index.ts'), routeFile(options)], [join(root, 'test', 'routes', `${options.name}.test.ts`), testFile(options)]]
  if (options.protected) files.splice(1, 0, [join(folder, 'autohooks.ts'), AUTOHOOKS])
  const existing = files.map(([path]) => path).filter((path) => existsSync(path))
  if (existsSync(folder) || existing.length > 0) throw new UsageError(`${relative(root, existsSync(folder) ? folder : existing[0] as string)} already exists: nothing written`)
  for (const [path, text] of files) {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, text, { flag: 'wx' })
  }
  return files.map(([path]) => relative(root, path))
}

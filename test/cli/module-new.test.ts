import { execFile } from 'node:child_process'
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { parseModuleNewArgs, writeModule } from '../../cli/module-new.js'
import { build } from '../helper.js'

const PROJECT_ROOT = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)

/**
 * A scratch project: the module is written into it, schemas/ links to the real one, and its
 * test/helper.ts is the real helper whose build() also autoloads the scratch routes/. The
 * generated test file then runs unchanged, as it would in the project.
 */
function scratchProject (t: Test): string {
  const root = t.testdir({ test: { routes: {} } })
  symlinkSync(join(PROJECT_ROOT, 'schemas'), join(root, 'schemas'))
  const helper = join(PROJECT_ROOT, 'test', 'helper.js')
  writeFileSync(join(root, 'test', 'helper.ts'), `import { build as buildApp } from '${helper}'
export * from '${helper}'
export const build = (t, options = {}) => buildApp(t, { ...options, extraRouteDirs: ['${join(root, 'routes')}'] })
`)
  return root
}

/** Runs a generated tap file with the TypeScript loader tap itself uses. */
async function runTestFile (file: string): Promise<{ code: number, output: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import=@isaacs/ts-node-temp-fork-for-pr-2009/import', file], {
      cwd: PROJECT_ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' }
    })
    return { code: 0, output: stdout }
  } catch (error) {
    const failed = error as { code: number, stdout: string, stderr: string }
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` }
  }
}

t.test('module:new - arguments: one lower-case name, --protected, nothing else', async (t) => {
  t.same(parseModuleNewArgs(['notes']), { name: 'notes', protected: false })
  t.same(parseModuleNewArgs(['--protected', 'my-notes']), { name: 'my-notes', protected: true })
  t.throws(() => parseModuleNewArgs([]), { name: 'UsageError', message: /give one module name/ })
  t.throws(() => parseModuleNewArgs(['Notes']), { message: /lower-case letters, digits and dashes/ })
  t.throws(() => parseModuleNewArgs(['../evil']), { message: /lower-case letters/ }, 'no path outside routes/')
  t.throws(() => parseModuleNewArgs(['docs']), { message: /already served/ })
  t.throws(() => parseModuleNewArgs(['notes', '--public']), { message: /unknown argument --public/ })
})

for (const guarded of [true, false]) {
  t.test(`module:new ${guarded ? '--protected' : '(public)'} - writes a folder whose own test passes, documented like every route`, async (t) => {
    const root = scratchProject(t)
    const written = writeModule(root, { name: 'my-notes', protected: guarded })
    t.same(written, ['routes/my-notes/index.ts', ...(guarded ? ['routes/my-notes/autohooks.ts'] : []), 'test/routes/my-notes.test.ts'])
    t.throws(() => writeModule(root, { name: 'my-notes', protected: false }), { message: 'routes/my-notes already exists: nothing written' })

    const generated = await runTestFile(join(root, 'test', 'routes', 'my-notes.test.ts'))
    t.equal(generated.code, 0, generated.output)
    t.match(generated.output, /^ok 1 - my-notes - GET \/my-notes\//m, 'its test ran')
    t.notMatch(generated.output, /not ok/)

    const app = await build(t, { extraRouteDirs: [join(root, 'routes')] })
    t.equal((await app.inject('/my-notes/')).statusCode, guarded ? 401 : 200)
    const doc = (await app.inject('/openapi.json')).json()
    const get = doc.paths['/my-notes/'].get
    t.match(get, { tags: ['my-notes'], summary: /my-notes/ })
    t.ok(get.responses['200'].content['application/json'].example ?? get.responses['200'].content['application/json'].examples, 'the 200 reply has an example')
    if (guarded) t.same(get.security, [{ bearerAuth: [] }])
    t.match(readFileSync(join(root, 'routes', 'my-notes', 'index.ts'), 'utf8'), /const myNotes: FastifyPluginAsyncTypebox/)
  })
}

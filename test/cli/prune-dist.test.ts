import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { pruneDist } from '../../cli/prune-dist.js'

t.test('pruneDist - removes compiled files whose source was deleted, keeps everything else', async (t) => {
  const root = t.testdir({
    'app.ts': '',
    routes: { 'kept.ts': '', notes: { 'index.ts': '' } },
    dist: {
      'app.js': '',
      'app.js.map': '',
      'server.js': '',
      routes: { 'kept.js': '', 'kept.js.map': '', 'deleted.js': '', 'deleted.js.map': '', notes: { 'index.js': '', 'autohooks.js': '' }, gone: { 'index.js': '', deeper: { 'a.js': '' } } },
      '.test-builds': { abc: { 'server.js': '' } },
      'tsconfig.build.tsbuildinfo': ''
    }
  })
  t.same(pruneDist(root).sort(), ['dist/routes/deleted.js', 'dist/routes/deleted.js.map', 'dist/routes/gone/deeper/a.js', 'dist/routes/gone/index.js', 'dist/routes/notes/autohooks.js', 'dist/server.js'])
  t.notOk(existsSync(join(root, 'dist', 'routes', 'gone')), 'a folder left empty is removed too')
  for (const kept of ['app.js', 'app.js.map', 'routes/kept.js', 'routes/kept.js.map', 'routes/notes/index.js', '.test-builds/abc/server.js', 'tsconfig.build.tsbuildinfo']) {
    t.ok(existsSync(join(root, 'dist', kept)), `${kept} kept`)
  }
  t.same(pruneDist(root), [], 'nothing left to remove')
})

t.test('pruneDist - no dist/ yet: nothing to do', async (t) => {
  t.same(pruneDist(t.testdir({ 'app.ts': '' })), [])
})

import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { forEachAdapter, type AdapterDatabase } from '../adapters/databases.js'
import { startTcpProxy } from '../adapters/tcp-proxy.js'
import { bearer, build, login, register, registerAndLogin, type BuildOptions } from '../helper.js'

/*
 * examples/notes, the README's persisted module, on every storage. The project mounts it at
 * /fixture-notes (test/fixtures/routes/fixture-notes/). Your copy of the module in routes/notes/,
 * with this file as test/routes/notes.test.ts, needs two lines changed:
 *   const PREFIX = '/notes'
 *   const ROUTES: BuildOptions = {}
 */
const PREFIX = '/fixture-notes'
const ROUTES: BuildOptions = { extraRouteDirs: [`${import.meta.dirname}/../fixtures/routes`] }

interface Note { id: string, text: string, created_at: string }

/** The notes routes as one signed-in user calls them. */
function notesOf (app: FastifyInstance, token: string) {
  const headers = bearer(token)
  return {
    add: (text: string) => app.inject({ method: 'POST', url: `${PREFIX}/`, headers, payload: { text } }),
    list: async () => (await app.inject({ url: `${PREFIX}/`, headers })).json() as Note[],
    remove: (id: string) => app.inject({ method: 'DELETE', url: `${PREFIX}/${id}`, headers })
  }
}

async function ownNotesOnly (t: Test, env: Record<string, string>) {
  const app = await build(t, { env, ...ROUTES })
  const alice = notesOf(app, (await registerAndLogin(app)).access_token)
  const bob = notesOf(app, (await registerAndLogin(app)).access_token)

  for (const request of [{ url: `${PREFIX}/` }, { method: 'POST' as const, url: `${PREFIX}/`, payload: { text: 'x' } }, { method: 'DELETE' as const, url: `${PREFIX}/00mxc6f0w000003f9a1c7e52d4` }]) {
    t.equal((await app.inject(request)).statusCode, 401, `${request.method ?? 'GET'} without a token: 401`)
  }
  const first = await alice.add('buy milk')
  t.equal(first.statusCode, 201)
  t.match(first.json(), { id: /^[0-9a-z]{26}$/, text: 'buy milk', created_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/ })
  const long = '🗒'.repeat(500) // 500 characters outside the BMP: the columns hold the longest note the schema accepts
  t.equal((await alice.add(long)).statusCode, 201)
  t.same((await alice.list()).map((note) => note.text), [long, 'buy milk'], 'newest first, as written')
  t.same(await bob.list(), [], 'another user sees none of them')

  const { id } = first.json() as Note
  t.equal((await bob.remove(id)).statusCode, 404, 'another user\'s note: 404, as for no note at all')
  t.equal((await alice.list()).length, 2, 'and it is still there')
  t.equal((await alice.remove(id)).statusCode, 204)
  t.equal((await alice.remove(id)).statusCode, 404, 'once')
  t.same((await alice.list()).map((note) => note.text), [long])

  const burst = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']
  for (const text of burst) await alice.add(text) // often several within one millisecond
  t.same((await alice.list()).map((note) => note.text), [...burst.reverse(), long], 'newest first, even within one millisecond')

  for (const text of ['', 'a\u0000b', 'x'.repeat(501)]) t.equal((await alice.add(text)).statusCode, 400, `refused: ${JSON.stringify(text.slice(0, 8))}`)
  t.equal((await alice.remove('not-an-id')).statusCode, 400)
}

t.test('notes on memory:// - each user reads, adds and deletes only their own notes', (t) => ownNotesOnly(t, { STORAGE_URL: 'memory://' }))

forEachAdapter(t, async (t, database: AdapterDatabase) => {
  const env = { STORAGE_URL: database.url }

  t.test('notes - each user reads, adds and deletes only their own notes', (t) => ownNotesOnly(t, env))

  t.test('notes - kept across a restart; the migration is recorded and applied once', async (t) => {
    const before = await build(t, { env, ...ROUTES })
    const user = await register(before)
    t.equal((await notesOf(before, (await login(before, user.username)).access_token).add('remember me')).statusCode, 201)
    await before.close()

    const after = await build(t, { env, ...ROUTES })
    t.same((await notesOf(after, (await login(after, user.username)).access_token).list()).map((note) => note.text), ['remember me'])
    const dump = await database.dump()
    t.same(dump.notes?.filter((row) => row.text === 'remember me').map((row) => row.owner_id), [user.id], 'stored once, under its owner\'s id')
    if (database.kind !== 'mongodb') {
      t.equal(dump.notes_migrations?.length, 1, 'two starts, one migration recorded, apart from the auth schema')
      t.match(dump.notes_migrations, [{ version: 1, name: 'notes' }])
    }
  })
})

forEachAdapter(t, async (t, database) => {
  t.test('notes - a database outage answers 503 storage_unavailable, and the same app recovers', async (t) => {
    const proxy = await startTcpProxy(database.url)
    t.teardown(() => proxy.close())
    const app = await build(t, { env: { STORAGE_URL: proxy.url(database.url), STORAGE_TIMEOUT_MS: '1000' }, ...ROUTES })
    const notes = notesOf(app, (await registerAndLogin(app)).access_token)
    for (const mode of ['cut', 'hang'] as const) {
      if (mode === 'cut') await proxy.cut()
      else proxy.hang()
      const res = await notes.add(`during the ${mode}`)
      t.equal(res.statusCode, 503, `${mode}: 503`)
      t.equal(res.json().code, 'storage_unavailable', `${mode}: no driver error`)
      await proxy.restore()
      let added = await notes.add(`after the ${mode}`)
      // A pool may hand out one connection the outage broke before it notices: ask again.
      for (let attempt = 0; added.statusCode !== 201 && attempt < 20; attempt++) added = await notes.add(`after the ${mode}`)
      t.equal(added.statusCode, 201, `${mode}: recovered`)
    }
  })
}, { networked: true })

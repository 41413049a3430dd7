import t from 'tap'
import { bearer, build, login, register } from '../helper.js'

const refresh = (refreshToken: string) => ({ method: 'POST' as const, url: '/auth/refresh', payload: { refresh_token: refreshToken } })

t.test('MAX_SESSIONS_PER_USER - a login beyond the limit ends the oldest session, with a revocation of its tokens', async (t) => {
  const app = await build(t, { env: { MAX_SESSIONS_PER_USER: '3' } })
  const user = await register(app)
  const pairs = []
  for (let i = 0; i < 5; i++) pairs.push(await login(app, user.username))
  const [oldest, second, ...kept] = pairs
  for (const ended of [oldest, second]) {
    t.equal((await app.inject({ url: '/protected/hello', headers: bearer(ended?.access_token ?? '') })).statusCode, 401, 'its access token is refused at once')
    t.equal((await app.inject(refresh(ended?.refresh_token ?? ''))).statusCode, 401, 'its refresh token is dead')
  }
  for (const live of kept) t.equal((await app.inject({ url: '/protected/hello', headers: bearer(live.access_token) })).statusCode, 200)
  const listed = (await app.inject({ url: '/auth/sessions', headers: bearer(kept[0]?.access_token ?? '') })).json() as { sessions: unknown[] }
  t.equal(listed.sessions.length, 3)
  const records = await app.store.listRevocationsAfter(0, new Date())
  t.equal(records.revocations.length, 2, 'recorded for the other instances too')
})

t.test('MAX_SESSIONS_PER_USER - one user\'s logins never end another user\'s sessions', async (t) => {
  const app = await build(t, { env: { MAX_SESSIONS_PER_USER: '1' } })
  const alice = await register(app)
  const bob = await register(app)
  const bobs = await login(app, bob.username)
  await login(app, alice.username)
  const alices = await login(app, alice.username)
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(bobs.access_token) })).statusCode, 200)
  t.equal((await app.inject({ url: '/protected/hello', headers: bearer(alices.access_token) })).statusCode, 200, 'the new session itself is kept')
})

import { availableParallelism } from 'node:os'
import argon2 from '@node-rs/argon2'
import t from 'tap'
import { OWASP_ARGON2ID } from '../../services/password.js'
import { build, PASSWORD, register, uniqueName } from '../helper.js'

const TYPED = 'Ｃｏｒｒｅｃｔ horse ﬁsh ②'
const NFKC = 'Correct horse fish 2'

t.test('login - a hash of the raw non-NFKC password keeps working and is replaced by a hash of the NFKC form', async (t) => {
  const app = await build(t)
  const user = await register(app, uniqueName('legacy'), NFKC)
  // As stored before passwords were normalised: the typed form, hashed as it came.
  await app.store.updateUser(user.id, { passwordHash: await argon2.hash(TYPED, { ...OWASP_ARGON2ID, algorithm: 2 }) })
  const login = (password: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password } })

  t.equal((await login(TYPED)).statusCode, 200, 'the password as the user always typed it')
  const rehashed = (await app.store.findUserById(user.id))?.passwordHash as string
  t.equal(await argon2.verify(rehashed, NFKC), true, 'the stored hash is now of the NFKC form')
  t.equal((await login(NFKC)).statusCode, 200, 'and the NFKC form logs in too')
  t.equal((await login(TYPED)).statusCode, 200)
  t.equal((await app.store.findUserById(user.id))?.passwordHash, rehashed, 'rehashed once, not at every login')
  t.equal((await login('Correct horse fish 3')).statusCode, 401)
})

t.test('register - a password that is one repeated character, or a common one behind invisible characters, is refused', async (t) => {
  const app = await build(t)
  for (const password of ['zzzzzzzzzzzz', 'pass\u200Bword', 'ｐａｓｓｗｏｒｄ1']) {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password } })
    t.equal(res.statusCode, 400, JSON.stringify(password))
    t.match(res.json(), { code: 'weak_password' })
  }
})

/**
 * Holds every argon2 verification until `release()`: the hashes admitted stay running, so what
 * the queue bound does to the requests that arrive meanwhile is certain, not a race.
 */
function holdVerifications (t: Parameters<typeof build>[0] & { teardown (fn: () => void): void }) {
  const { verify } = argon2
  let release = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  argon2.verify = async (...args: Parameters<typeof verify>) => { await gate; return verify(...args) }
  t.teardown(() => { argon2.verify = verify })
  return release
}

async function registerMany (app: Awaited<ReturnType<typeof build>>, count: number) {
  const users = []
  for (let i = 0; i < count; i++) users.push(await register(app))
  return users
}

/** Starts every request; resolves once `count` of them have been answered (the others still wait). */
function answeredCount<T> (requests: Array<Promise<T>>, count: number): Promise<T[]> {
  const answered: T[] = []
  return new Promise((resolve) => {
    for (const request of requests) {
      request.then((res) => { answered.push(res); if (answered.length === count) resolve(answered) }, () => {})
    }
  })
}

t.test('PASSWORD_HASH_QUEUE_MAX - when the hashing queue is full, login answers 503 overloaded with Retry-After at once', async (t) => {
  const app = await build(t, { env: { PASSWORD_HASH_QUEUE_MAX: '1' } })
  // One verification per core runs, one waits: every other login is refused without waiting.
  // Distinct users: the login throttle runs one attempt per username at a time.
  const admitted = availableParallelism() + 1
  const users = await registerMany(app, admitted + 6)
  const release = holdVerifications(t)
  const logins = users.map((user) => app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } }))
  const refused = await answeredCount(logins, 6)
  for (const res of refused) {
    t.equal(res.statusCode, 503)
    t.match(res.json(), { statusCode: 503, code: 'overloaded' })
    t.equal(res.headers['retry-after'], '1')
  }
  release()
  const all = await Promise.all(logins)
  t.equal(all.filter((res) => res.statusCode === 200).length, admitted, 'those admitted log in once the hashes finish')
})

t.test('PASSWORD_HASH_QUEUE_MAX - the token endpoint answers 503 temporarily_unavailable; register is bounded too', async (t) => {
  const app = await build(t, { env: { PASSWORD_HASH_QUEUE_MAX: '1' } })
  const admitted = availableParallelism() + 1
  const users = await registerMany(app, admitted + 3)
  const release = holdVerifications(t)
  const grants = users.map((user) => app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'password', username: user.username, password: PASSWORD }).toString()
  }))
  const refused = await answeredCount(grants, 3)
  for (const res of refused) {
    t.equal(res.statusCode, 503)
    t.match(res.json(), { error: 'temporarily_unavailable' })
    t.equal(res.headers['retry-after'], '1')
  }
  // The queue is still full of held verifications: a registration's hash is refused as well.
  const registration = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName('flood'), password: PASSWORD } })
  t.equal(registration.statusCode, 503)
  t.match(registration.json(), { code: 'overloaded' })
  release()
  t.equal((await Promise.all(grants)).filter((res) => res.statusCode === 200).length, admitted)
})

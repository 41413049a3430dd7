// @ts-check
/**
 * Scenario 4c: a login with an authenticator app (POST /auth/login, answered 401 mfa_required
 * with an mfa_token, then POST /auth/mfa/verify with the current TOTP code) against a password
 * login, completed logins per second, 4 in flight, in bracketed rounds on one server. Both loops
 * run in this process over keep-alive connections (fetch), so the second request's client cost
 * is in the ratio too. The TOTP users' factors are made through the MFA service (probe enrolTotp),
 * each able to log in once per TOTP step (replay protection) from two steps: the pool is sized to
 * outlast the measurement, and a login that finds no user with an unused step counts as bad.
 */
import { TOTP, Secret } from 'otpauth'
import { PASSWORD } from '../lib/context.mjs'
import { ratioRow, bracket } from '../lib/rounds.mjs'

const IN_FLIGHT = 4
const PLAIN_USERS = 100
const STEP_MS = 30_000

/** @param {import('../lib/context.mjs').Context} ctx */
export async function run (ctx) {
  const { settings } = ctx
  const [server] = /** @type {[import('../lib/processes.mjs').Server]} */ (await ctx.startAll([{ name: 'ours (mfa)' }]))
  // About 75 logins/s on one core: enough users for the whole measurement with room to spare.
  const totalSeconds = settings.warmup + settings.argonRounds * settings.argonSeconds
  const totpCount = Math.max(60, Math.ceil(totalSeconds * 100 / 2))
  await server.command('seedUsers', { prefix: 'p', count: PLAIN_USERS, password: PASSWORD })
  await server.command('seedUsers', { prefix: 't', count: totpCount, password: PASSWORD })
  /** @type {{ username: string, secret: string }[]} */
  const seeded = await server.command('enrolTotp', { prefix: 't', count: totpCount })
  const totpUsers = seeded.map((user) => ({ username: user.username, totp: new TOTP({ secret: Secret.fromBase32(user.secret) }), lastStep: -1 }))
  ctx.log(`  ${server.name}: ${PLAIN_USERS} password users, ${totpCount} users with an authenticator app`)

  const post = async (/** @type {string} */ path, /** @type {object} */ body) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, body: /** @type {any} */ (await res.json()) }
  }

  let plainNext = 0
  const plainLogin = async () => (await post('/auth/login', { username: `p${plainNext++ % PLAIN_USERS}`, password: PASSWORD })).status === 200

  let totpNext = 0
  /** The next user with a step left (the current or the next one), or null. */
  function takeTotpUser () {
    const step = Math.floor(Date.now() / STEP_MS)
    for (let tried = 0; tried < totpUsers.length; tried++) {
      const user = /** @type {typeof totpUsers[number]} */ (totpUsers[totpNext++ % totpUsers.length])
      const useStep = Math.max(step, user.lastStep + 1)
      if (useStep <= step + 1) {
        user.lastStep = useStep
        return { user, step: useStep }
      }
    }
    return null
  }
  const totpLogin = async () => {
    const taken = takeTotpUser()
    if (taken === null) return false
    const first = await post('/auth/login', { username: taken.user.username, password: PASSWORD })
    if (first.status !== 401 || first.body.code !== 'mfa_required') return false
    const code = taken.user.totp.generate({ timestamp: taken.step * STEP_MS })
    return (await post('/auth/mfa/verify', { mfa_token: first.body.mfa_token, code })).status === 200
  }

  /** Completed logins per second over `seconds`, IN_FLIGHT loops at once. */
  const loop = (/** @type {() => Promise<boolean>} */ attempt) => async (/** @type {number} */ seconds) => {
    const end = performance.now() + seconds * 1000
    let ok = 0
    let bad = 0
    const started = performance.now()
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        if (await attempt()) ok++
        else bad++
      }
    }))
    return { value: ok / ((performance.now() - started) / 1000), bad }
  }

  const results = await bracket({
    base: { key: 'password', measure: loop(plainLogin) },
    others: [{ key: 'totp', measure: loop(totpLogin) }],
    rounds: settings.argonRounds,
    seconds: settings.argonSeconds,
    warmup: Math.min(settings.warmup, settings.argonSeconds),
    log: ctx.log
  })
  await ctx.stop(server)
  return [
    ratioRow({ id: '4c', scenario: `Login with an authenticator app (password, then /auth/mfa/verify) vs password only (${IN_FLIGHT} in flight, completed logins)`, results, a: 'totp', b: 'password', aLabel: 'login + TOTP', bLabel: 'login', unit: '/s', goal: { op: '>=', value: 0.9 } })
  ]
}

import t from 'tap'
import { totpCode } from '../../services/mfa/totp.js'
import { bearer, login, PASSWORD, register } from '../helper.js'
import { buildMfaApp, mfaToken, passwordLogin, STEP_MS, testClock, userWithTotp } from './helper.js'

async function makeAdmin (app: Awaited<ReturnType<typeof buildMfaApp>>['app'], id: string) {
  await app.store.updateUser(id, { roles: ['user', 'admin'] })
}

t.test('mfa admin - an admin with a factor needs aal2 on admin routes; without one aal1 still works', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const plainAdmin = await register(app)
  await makeAdmin(app, plainAdmin.id)
  const plainPair = await login(app, plainAdmin.username)
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(plainPair.access_token) })).statusCode, 200, 'ADMIN_REQUIRE_MFA off: an admin without a factor is let in')

  const admin = await userWithTotp(app, clock.now)
  await makeAdmin(app, admin.id)
  const aal1 = await app.sessions.start((await app.store.findUserById(admin.id))!, { amr: ['pwd'] })
  const refused = await app.inject({ url: '/admin/users', headers: bearer(aal1.access_token) })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'mfa_required')
  clock.advance(STEP_MS)
  const token = await mfaToken(app, admin.username)
  const pair = (await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: token, code: totpCode(admin.secret, clock.now()) } })).json()
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(pair.access_token) })).statusCode, 200, 'aal2 is let in')
})

t.test('mfa admin - ADMIN_REQUIRE_MFA=true: an admin without a factor is told to enrol, can enrol, and then gets in at aal2', async (t) => {
  const { app, clock } = await buildMfaApp(t, testClock(), { env: { ADMIN_REQUIRE_MFA: 'true' } })
  const admin = await register(app)
  await makeAdmin(app, admin.id)
  const pair = await login(app, admin.username)
  const refused = await app.inject({ url: '/admin/users', headers: bearer(pair.access_token) })
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().code, 'mfa_enrollment_required')

  const enrolled = await app.inject({ method: 'POST', url: '/auth/mfa/totp/enroll', headers: bearer(pair.access_token), payload: { current_password: PASSWORD } })
  t.equal(enrolled.statusCode, 200, 'enrolment is outside the admin guard')
  const confirmed = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(pair.access_token), payload: { code: totpCode(enrolled.json().secret, clock.now()) } })
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(confirmed.json().access_token) })).statusCode, 200, 'the stepped-up token gets in')
  t.equal((await app.inject({ url: '/admin/users', headers: bearer(pair.access_token) })).json().code, 'mfa_required', 'the old aal1 token does not')

  const user = await register(app)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer((await login(app, user.username)).access_token) })).statusCode, 200, 'other users are not affected')
})

t.test('mfa admin reset - removes TOTP, recovery codes and pending challenges, ends sessions, audited; password alone works again', async (t) => {
  const logLines: string[] = []
  const { app, clock } = await buildMfaApp(t, testClock(), { logLines })
  const admin = await userWithTotp(app, clock.now)
  await makeAdmin(app, admin.id)
  clock.advance(STEP_MS)
  const adminPair = (await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: await mfaToken(app, admin.username), code: totpCode(admin.secret, clock.now()) } })).json()

  const user = await userWithTotp(app, clock.now)
  const pending = await mfaToken(app, user.username)
  const notAdmin = await app.inject({ method: 'DELETE', url: `/admin/users/${admin.id}/mfa`, headers: bearer(user.accessToken) })
  t.equal(notAdmin.statusCode, 403, 'admins only')

  const reset = await app.inject({ method: 'DELETE', url: `/admin/users/${user.id}/mfa`, headers: bearer(adminPair.access_token) })
  t.equal(reset.statusCode, 204, reset.body)
  t.equal(await app.store.findTotpFactor(user.id), null)
  t.equal(await app.store.countRecoveryCodes(user.id), 0)
  t.equal((await app.inject({ url: '/auth/me', headers: bearer(user.accessToken) })).statusCode, 401, 'their sessions ended')
  clock.advance(STEP_MS)
  t.equal((await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: pending, recovery_code: user.recoveryCodes[0] } })).json().code, 'invalid_mfa_token', 'a pending challenge died')
  t.equal((await passwordLogin(app, user.username)).statusCode, 200, 'the password alone logs in')
  const audit = logLines.map((line) => JSON.parse(line)).find((entry) => entry.event === 'mfa_reset')
  t.match(audit, { userId: user.id, actorId: admin.id, totp: true })
  t.equal((await app.inject({ method: 'DELETE', url: '/admin/users/7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11/mfa', headers: bearer(adminPair.access_token) })).statusCode, 404)
})

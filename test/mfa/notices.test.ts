import t from 'tap'
import { totpCode } from '../../services/mfa/totp.js'
import { bearer, login, register } from '../helper.js'
import { buildWithMail, registerWithEmail } from '../mail/app.js'
import { mfaToken, STEP_MS, STORAGE_URL, testClock, userWithTotp } from './helper.js'

t.test('mfa notices - a used recovery code, a removed app and an admin reset are mailed to the owner, after the reply', async (t) => {
  const clock = testClock()
  const { app, smtp } = await buildWithMail(t, { now: clock.now, env: { STORAGE_URL } })
  const owner = await registerWithEmail(app)
  await smtp.next(owner.email) // the verification mail of the registration
  const user = await userWithTotp(app, clock.now, owner)

  const used = await app.inject({ method: 'POST', url: '/auth/mfa/verify', payload: { mfa_token: await mfaToken(app, user.username), recovery_code: user.recoveryCodes[0] }, remoteAddress: '203.0.113.7' })
  t.equal(used.statusCode, 200)
  const recoveryMail = await smtp.next(owner.email)
  t.match(recoveryMail.subject, /recovery code/)
  t.match(recoveryMail.text, /203\.0\.113\.7/)
  t.match(recoveryMail.text, /9 unused code/)
  t.notMatch(recoveryMail.text, new RegExp(user.recoveryCodes.map((code) => code.replace('-', '-?')).join('|')), 'no code in the mail')

  clock.advance(STEP_MS)
  const removed = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(used.json().access_token), payload: { code: totpCode(user.secret, clock.now()) } })
  t.equal(removed.statusCode, 204, removed.body)
  t.match((await smtp.next(owner.email)).subject, /authenticator app .* removed/)

  clock.advance(STEP_MS)
  await userWithTotp(app, clock.now, owner)
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const reset = await app.inject({ method: 'DELETE', url: `/admin/users/${owner.id}/mfa`, headers: bearer((await login(app, admin.username)).access_token) })
  t.equal(reset.statusCode, 204)
  t.match((await smtp.next(owner.email)).subject, /second factors .* reset/)
})

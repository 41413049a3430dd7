import t from 'tap'
import { bearer, login, PASSWORD, register } from '../helper.js'
import { buildWithMail, registerWithEmail } from '../mail/app.js'

t.test('admin - marks an address verified and mails a reset link; both audited with the actor; users cannot', async (t) => {
  const logLines: string[] = []
  const { app, smtp } = await buildWithMail(t, { logLines, env: { EMAIL_VERIFICATION: 'required' } })
  const admin = await registerWithEmail(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'], emailVerifiedAt: new Date() })
  const adminToken = (await login(app, admin.username)).access_token
  const user = await registerWithEmail(app)
  await smtp.next(user.email)

  const forbidden = await app.inject({ method: 'POST', url: `/admin/users/${user.id}/email/verify` })
  t.equal(forbidden.statusCode, 401)
  const verified = await app.inject({ method: 'POST', url: `/admin/users/${user.id}/email/verify`, headers: bearer(adminToken) })
  t.equal(verified.statusCode, 200, verified.body)
  t.same([verified.json().email, verified.json().email_verified], [user.email, true])
  await login(app, user.username) // required verification is now satisfied

  const sent = await app.inject({ method: 'POST', url: `/admin/users/${user.id}/password/reset`, headers: bearer(adminToken) })
  t.equal(sent.statusCode, 202, sent.body)
  const mail = await smtp.next(user.email)
  t.equal(mail.action, 'reset')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: 'an admin-sent new passphrase' } })).statusCode, 204)

  const missing = await app.inject({ method: 'POST', url: '/admin/users/7d0e7c8e-0b7a-4d55-9c8e-2f7f3a3b1c11/password/reset', headers: bearer(adminToken) })
  t.equal(missing.statusCode, 404)
  const audited = logLines.map((line) => JSON.parse(line) as { event?: string, actorId?: string, userId?: string })
  t.ok(audited.some((entry) => entry.event === 'email_verified' && entry.actorId === admin.id && entry.userId === user.id))
  t.ok(audited.some((entry) => entry.event === 'password_reset_requested' && entry.actorId === admin.id))
})

t.test('admin - a reset link for an account without an address is a 409 no_email', async (t) => {
  const { app } = await buildWithMail(t)
  const admin = await register(app)
  await app.store.updateUser(admin.id, { roles: ['user', 'admin'] })
  const adminToken = (await login(app, admin.username, PASSWORD)).access_token
  const user = await register(app)
  const res = await app.inject({ method: 'POST', url: `/admin/users/${user.id}/password/reset`, headers: bearer(adminToken) })
  t.same([res.statusCode, res.json().code], [409, 'no_email'])
})

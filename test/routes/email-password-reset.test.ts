import t from 'tap'
import { bearer, login, PASSWORD } from '../helper.js'
import { buildWithMail, PUBLIC_URL, registerWithEmail, uniqueEmail } from '../mail/app.js'

const NEW_PASSWORD = 'a brand new passphrase for reset'

t.test('password reset - only through the mailed token, once; every old session dies; the email counts as verified', async (t) => {
  const { app, smtp } = await buildWithMail(t)
  const user = await registerWithEmail(app)
  await smtp.next(user.email) // the verification mail
  const before = await login(app, user.username)

  const forgot = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email.toUpperCase() } })
  t.equal(forgot.statusCode, 202)
  const mail = await smtp.next(user.email)
  t.equal(mail.subject, 'Reset your password')
  t.equal(mail.action, 'reset')
  t.ok(mail.link?.startsWith(`${PUBLIC_URL}/account/#action=reset&token=`), 'the link is built from PUBLIC_URL, token in the fragment')
  t.match(mail.html, mail.token ?? 'no token', 'the HTML body carries the same link')
  t.match(mail.code, /^[0-9]{8}$/)

  const wrongToken = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: 'A'.repeat(43), new_password: NEW_PASSWORD } })
  t.equal(wrongToken.statusCode, 400)
  t.equal(wrongToken.json().code, 'invalid_or_expired_token')

  const reset = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: NEW_PASSWORD } })
  t.equal(reset.statusCode, 204, reset.body)
  const again = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: 'yet another new passphrase' } })
  t.same([again.statusCode, again.json().code], [400, 'invalid_or_expired_token'], 'the token works once')

  t.equal((await app.inject({ url: '/auth/me', headers: bearer(before.access_token) })).statusCode, 401, 'the old access token is refused')
  t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: before.refresh_token } })).statusCode, 401, 'the old refresh token is refused')
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })).statusCode, 401, 'the old password is gone')
  const after = await login(app, user.username, NEW_PASSWORD)
  const me = await app.inject({ url: '/auth/me', headers: bearer(after.access_token) })
  t.same([me.json().email, me.json().email_verified], [user.email, true], 'the reset proved the mailbox')

  const notice = await smtp.next(user.email)
  t.equal(notice.subject, 'Your password was changed')
  t.equal(notice.token, null, 'the notice carries no link')
})

t.test('password reset - with the code and the email or username; wrong codes kill the token after 5', async (t) => {
  let clock = Date.now()
  const { app, smtp } = await buildWithMail(t, { now: () => clock, env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: user.username } })
  const mail = await smtp.next(user.email)
  const wrong = mail.code === '00000000' ? '11111111' : '00000000'
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { email: user.email, code: wrong, new_password: NEW_PASSWORD } })
    t.same([res.statusCode, res.json().code], [400, 'invalid_or_expired_token'], `wrong code ${i + 1}`)
  }
  const late = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { email: user.email, code: mail.code, new_password: NEW_PASSWORD } })
  t.equal(late.statusCode, 400, 'after 5 wrong codes the right one no longer works')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: NEW_PASSWORD } })).statusCode, 400, 'nor does the link of that token')

  clock += 61_000 // one message a minute per address and kind
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const fresh = await smtp.next(user.email)
  const byCode = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { username: user.username.toUpperCase(), code: `${fresh.code?.slice(0, 4)} ${fresh.code?.slice(4)}`, new_password: NEW_PASSWORD } })
  t.equal(byCode.statusCode, 204, byCode.body)
  await login(app, user.username, NEW_PASSWORD)
})

t.test('password reset - lifetime: the token dies after PASSWORD_RESET_TTL; a new request voids the older token', async (t) => {
  let clock = Date.now()
  const { app, smtp } = await buildWithMail(t, { now: () => clock, env: { EMAIL_VERIFICATION: 'off', PASSWORD_RESET_TTL: '600' } })
  const user = await registerWithEmail(app)
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const first = await smtp.next(user.email)
  clock += 61_000 // past the one-per-minute limit of the address
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const second = await smtp.next(user.email)
  t.not(second.token, first.token)
  const old = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: first.token, new_password: NEW_PASSWORD } })
  t.equal(old.statusCode, 400, 'the older token was replaced')
  clock += 600_000
  const expired = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: second.token, new_password: NEW_PASSWORD } })
  t.equal(expired.statusCode, 400, 'expired at its lifetime')
})

t.test('password reset - unknown and known addresses get identical status and body; only the known one gets mail', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const unknown = uniqueEmail('nobody')
  const known = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const stranger = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: unknown } })
  const unknownName = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: 'nobody_at_all' } })
  t.same([stranger.statusCode, stranger.body], [known.statusCode, known.body])
  t.same([unknownName.statusCode, unknownName.body], [known.statusCode, known.body])
  t.equal(known.headers['content-type'], stranger.headers['content-type'])
  await smtp.next(user.email)
  await app.accountEmail.drain()
  t.same(smtp.pending(unknown), [], 'nothing to the unknown address')
  t.equal(smtp.messages.length, 1)
})

t.test('password reset - 20 concurrent consumes of one token: exactly one wins', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
  const mail = await smtp.next(user.email)
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: `${NEW_PASSWORD} ${i}` } })))
  t.equal(replies.filter((res) => res.statusCode === 204).length, 1)
  t.equal(replies.filter((res) => res.statusCode === 400).length, 19)
})

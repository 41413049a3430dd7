import t from 'tap'
import { bearer, login, PASSWORD } from '../helper.js'
import { buildWithMail, registerWithEmail, uniqueEmail } from '../mail/app.js'

t.test('email change - applies only when the new address confirms; the old address gets a notice', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const pair = await login(app, user.username)
  const next = uniqueEmail('moved')

  const wrong = await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(pair.access_token), payload: { new_email: next, current_password: 'not my password at all' } })
  t.same([wrong.statusCode, wrong.json().code], [403, 'invalid_credentials'])
  const noAuth = await app.inject({ method: 'POST', url: '/auth/email/change', payload: { new_email: next, current_password: PASSWORD } })
  t.equal(noAuth.statusCode, 401)

  const asked = await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(pair.access_token), payload: { new_email: next.toUpperCase(), current_password: PASSWORD } })
  t.equal(asked.statusCode, 202, asked.body)
  const confirm = await smtp.next(next)
  t.equal(confirm.action, 'change')
  const notice = await smtp.next(user.email)
  t.equal(notice.subject, 'A change of your email address was requested')
  t.equal(notice.token, null, 'the notice to the old address carries no link that could apply anything')
  t.notMatch(notice.text, next, 'the new address is masked in the notice')

  const me = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  t.equal(me.json().email, user.email, 'nothing changed before the confirmation')

  const applied = await app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token: confirm.token } })
  t.equal(applied.statusCode, 200, applied.body)
  t.same(applied.json(), { email: next, email_verified: true })
  t.equal((await app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token: confirm.token } })).statusCode, 400, 'once')
  const after = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  t.same([after.json().email, after.json().email_verified], [next, true])
  t.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: next } })).statusCode, 202)
  t.equal((await smtp.next(next)).action, 'reset', 'reset mail now goes to the new address')
})

t.test('email change - the code form needs the Bearer of the account; an address taken meanwhile is a 409', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const pair = await login(app, user.username)
  const next = uniqueEmail('wanted')
  await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(pair.access_token), payload: { new_email: next, current_password: PASSWORD } })
  const confirm = await smtp.next(next)

  const anonymous = await app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { code: confirm.code } })
  t.equal(anonymous.statusCode, 401, 'a code alone names no account')
  const other = await registerWithEmail(app)
  const otherPair = await login(app, other.username)
  const foreign = await app.inject({ method: 'POST', url: '/auth/email/change/confirm', headers: bearer(otherPair.access_token), payload: { code: confirm.code } })
  t.same([foreign.statusCode, foreign.json().code], [400, 'invalid_or_expired_token'], 'another account\'s Bearer does not fit the code')

  await registerWithEmail(app, next) // someone takes the address meanwhile
  const taken = await app.inject({ method: 'POST', url: '/auth/email/change/confirm', headers: bearer(pair.access_token), payload: { code: confirm.code } })
  t.same([taken.statusCode, taken.json().code], [409, 'email_taken'])
  const me = await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })
  t.equal(me.json().email, user.email, 'the old address stays')
})

t.test('email change - asking for an address another account has answers the same 202 and sends nothing', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const other = await registerWithEmail(app)
  const pair = await login(app, user.username)
  const free = await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(pair.access_token), payload: { new_email: uniqueEmail('free'), current_password: PASSWORD } })
  const taken = await app.inject({ method: 'POST', url: '/auth/email/change', headers: bearer(pair.access_token), payload: { new_email: other.email, current_password: PASSWORD } })
  t.same([taken.statusCode, taken.body], [free.statusCode, free.body])
  await app.accountEmail.drain()
  t.same(smtp.pending(other.email), [], 'the other account\'s owner gets nothing')
})

import t from 'tap'
import { basic, bearer, login, PASSWORD, uniqueName } from '../helper.js'
import { buildWithMail, PUBLIC_URL, registerWithEmail, uniqueEmail } from '../mail/app.js'

t.test('verification - register mails a link and a code; the token verifies the address once', async (t) => {
  const { app, smtp } = await buildWithMail(t)
  const user = await registerWithEmail(app, `  ${uniqueEmail('Mixed').toUpperCase()}  `.trim())
  const email = user.email.toLowerCase()
  const mail = await smtp.next(email)
  t.equal(mail.subject, 'Confirm your email address')
  t.equal(mail.action, 'verify')
  t.match(mail.text, user.username)
  const pair = await login(app, user.username)
  t.same((await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })).json().email_verified, false)

  const ok = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: mail.token } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { email, email_verified: true }, 'stored lower-cased')
  const again = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: mail.token } })
  t.same([again.statusCode, again.json().code], [400, 'invalid_or_expired_token'])
  const fresh = await login(app, user.username)
  t.same((await app.inject({ url: '/auth/me', headers: bearer(fresh.access_token) })).json().email_verified, true)
})

t.test('verification - request answers the same for unknown, known and verified; the code works with the username', async (t) => {
  let clock = Date.now()
  const { app, smtp } = await buildWithMail(t, { now: () => clock })
  const user = await registerWithEmail(app)
  const first = await smtp.next(user.email)
  clock += 61_000
  const replies = await Promise.all([{ email: user.email }, { email: uniqueEmail('ghost') }, { username: 'ghost_user' }].map((payload) =>
    app.inject({ method: 'POST', url: '/auth/email/verify/request', payload })))
  t.same(new Set(replies.map((res) => `${res.statusCode} ${res.body}`)).size, 1, 'one answer for all')
  t.equal(replies[0]?.statusCode, 202)
  const second = await smtp.next(user.email)
  t.not(second.code, null)
  const old = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: first.token } })
  t.equal(old.statusCode, 400, 'a new request voids the older token')
  const wrongPurpose = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: second.token, new_password: 'some new passphrase' } })
  t.equal(wrongPurpose.statusCode, 400, 'a verify token is no reset token')
  const ok = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { username: user.username, code: second.code } })
  t.equal(ok.statusCode, 200, ok.body)

  clock += 61_000
  const verified = await app.inject({ method: 'POST', url: '/auth/email/verify/request', payload: { email: user.email } })
  t.same([verified.statusCode, verified.body], [replies[0]?.statusCode, replies[0]?.body], 'verified: same answer')
  await app.accountEmail.drain()
  t.same(smtp.pending(user.email), [], 'and no mail')
})

t.test('verification - the token dies after EMAIL_VERIFICATION_TTL', async (t) => {
  let clock = Date.now()
  const { app, smtp } = await buildWithMail(t, { now: () => clock, env: { EMAIL_VERIFICATION_TTL: '3600' } })
  const user = await registerWithEmail(app)
  const mail = await smtp.next(user.email)
  clock += 3_600_000
  t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: mail.token } })).statusCode, 400)
})

t.test('verification - EMAIL_VERIFICATION=required: 403 email_not_verified only after the right password, then login works', async (t) => {
  const { app, smtp } = await buildWithMail(t, { env: { EMAIL_VERIFICATION: 'required' } })
  const noEmail = await app.inject({ method: 'POST', url: '/auth/register', payload: { username: uniqueName(), password: PASSWORD } })
  t.same([noEmail.statusCode, noEmail.json().code], [400, 'email_required'])
  const user = await registerWithEmail(app)
  const json = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } })
  t.same([json.statusCode, json.json().code], [403, 'email_not_verified'])
  const viaBasic = await app.inject({ method: 'POST', url: '/auth/login', headers: basic(user.username, PASSWORD) })
  t.same([viaBasic.statusCode, viaBasic.json().code], [403, 'email_not_verified'])
  const oauth = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'password', username: user.username, password: PASSWORD } })
  t.same([oauth.statusCode, oauth.json().error], [403, 'email_not_verified'])
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'not the password at all' } })
  t.same([wrong.statusCode, wrong.json().code], [401, 'invalid_credentials'], 'a wrong password learns nothing about verification')

  const mail = await smtp.next(user.email)
  t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { email: user.email, code: mail.code } })).statusCode, 200)
  const pair = await login(app, user.username)
  t.ok(pair.access_token)
  const claims = JSON.parse(Buffer.from(pair.access_token.split('.')[1] ?? '', 'base64url').toString()) as { email_verified: boolean }
  t.equal(claims.email_verified, true, 'the access token carries email_verified')
})

t.test('verification - links use PUBLIC_URL even with a hostile Host header; a GET of the link page consumes nothing', async (t) => {
  const { app, smtp } = await buildWithMail(t)
  const email = uniqueEmail()
  const res = await app.inject({ method: 'POST', url: '/auth/register', headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' }, payload: { username: uniqueName(), password: PASSWORD, email } })
  t.equal(res.statusCode, 201)
  const mail = await smtp.next(email)
  t.ok(mail.link?.startsWith(`${PUBLIC_URL}/account/#`), mail.link ?? 'no link')
  t.notMatch(mail.text + mail.html, 'evil.example')
  // What a mail scanner does: GET the URL (the fragment never leaves the client).
  await app.inject({ method: 'GET', url: '/account/' })
  await app.inject({ method: 'GET', url: `/account/?action=verify&token=${mail.token ?? ''}` })
  t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: mail.token } })).statusCode, 200, 'the token still works after the GETs')
})

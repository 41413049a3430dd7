import t from 'tap'
import { forEachAdapter } from '../adapters/databases.js'
import { bearer, login, PASSWORD } from '../helper.js'
import { buildWithMail, registerWithEmail, uniqueEmail } from './app.js'

/** The "done when", on every storage adapter, over real SMTP, the clock moved by injection. */
t.test('mail flows on each adapter', async (t) => {
  forEachAdapter(t, async (t, database) => {
    let clock = Date.now()
    const { app, smtp } = await buildWithMail(t, { now: () => clock, env: { STORAGE_URL: database.url, EMAIL_VERIFICATION: 'optional' } })

    t.test('reset: only through the mailed token, once, within its lifetime; old sessions die', async (t) => {
      const user = await registerWithEmail(app, uniqueEmail(database.kind))
      await smtp.next(user.email)
      const old = await login(app, user.username)
      const known = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } })
      const unknown = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: uniqueEmail('ghost') } })
      t.same([unknown.statusCode, unknown.body], [known.statusCode, known.body])
      const mail = await smtp.next(user.email)
      await app.inject({ method: 'GET', url: '/account/' })
      const replies = await Promise.all(Array.from({ length: 20 }, () =>
        app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: mail.token, new_password: 'the adapter new passphrase' } })))
      t.equal(replies.filter((res) => res.statusCode === 204).length, 1, 'exactly one of 20 concurrent consumes wins')
      t.equal((await app.inject({ url: '/auth/me', headers: bearer(old.access_token) })).statusCode, 401)
      t.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: old.refresh_token } })).statusCode, 401)
      await login(app, user.username, 'the adapter new passphrase')
      t.equal((await smtp.next(user.email)).subject, 'Your password was changed')

      clock += 61_000
      await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { username: user.username } })
      const late = await smtp.next(user.email)
      clock += 3_600_000
      t.equal((await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { email: user.email, code: late.code, new_password: 'too late a passphrase' } })).statusCode, 400, 'expired')
    })

    t.test('codes: wrong codes kill the token; verification by code', async (t) => {
      const user = await registerWithEmail(app, uniqueEmail(database.kind))
      const mail = await smtp.next(user.email)
      const wrong = mail.code === '00000000' ? '11111111' : '00000000'
      for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { email: user.email, code: wrong } })
      t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { email: user.email, code: mail.code } })).statusCode, 400)
      clock += 61_000
      await app.inject({ method: 'POST', url: '/auth/email/verify/request', payload: { email: user.email } })
      const fresh = await smtp.next(user.email)
      t.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { username: user.username, code: fresh.code } })).statusCode, 200)
      const pair = await login(app, user.username, PASSWORD)
      t.equal((await app.inject({ url: '/auth/me', headers: bearer(pair.access_token) })).json().email_verified, true)
    })
  })
})

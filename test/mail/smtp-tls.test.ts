import t from 'tap'
import { createSmtpMailer } from '../../services/mail/smtp.js'
import { startSmtpCapture } from './smtp-capture.js'

const message = { to: 'someone@example.test', subject: 'hello', text: 'text body', html: '<p>html body</p>' }

t.test('smtp - plain SMTP only to a loopback name; any other smtp:// host must offer STARTTLS', async (t) => {
  const local = await startSmtpCapture(t)
  const plain = createSmtpMailer({ url: local.url, from: 'no-reply@example.test', timeoutMs: 2000 })
  t.teardown(() => plain.close())
  await plain.send(message)
  t.equal((await local.next(message.to)).subject, 'hello', '127.0.0.1 without TLS: delivered')

  // 127.0.0.2 is this machine too, but not a name the mailer treats as loopback: it stands for
  // a remote server (or a man in the middle) that does not offer STARTTLS.
  const remote = await startSmtpCapture(t, '127.0.0.2')
  const strict = createSmtpMailer({ url: remote.url, from: 'no-reply@example.test', timeoutMs: 2000 })
  t.teardown(() => strict.close())
  await t.rejects(strict.send(message), 'no STARTTLS offered: nothing is sent in clear text')
  t.same(remote.messages, [])

  const optedOut = createSmtpMailer({ url: `${remote.url}/?requireTLS=false`, from: 'no-reply@example.test', timeoutMs: 2000 })
  t.teardown(() => optedOut.close())
  await optedOut.send(message)
  t.equal((await remote.next(message.to)).subject, 'hello', 'an explicit ?requireTLS=false in SMTP_URL opts out')
})

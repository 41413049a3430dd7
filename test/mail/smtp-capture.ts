import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** One message the capture server accepted, parsed, with what the flows put in it. */
export interface CapturedMail {
  to: string
  from: string
  subject: string
  text: string
  html: string
  /** The link in the text body, or null. */
  link: string | null
  /** The token from the link's fragment (#action=…&token=…), or null. */
  token: string | null
  /** The link's action (verify, reset, change), or null. */
  action: string | null
  /** The 8-digit code, or null. */
  code: string | null
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`: give it to the app as SMTP_URL. */
  url: string
  /** Every message received so far, in order. */
  messages: CapturedMail[]
  /** Resolves with the next message to `address` not yet taken (already received or still to come). */
  next (address: string): Promise<CapturedMail>
  /** Messages to `address` received and not yet taken by next(). */
  pending (address: string): CapturedMail[]
  /** While true, every RCPT is refused with 550 (the mail failure path). */
  refuse: boolean
}

function parts (text: string): Pick<CapturedMail, 'link' | 'token' | 'action' | 'code'> {
  const link = /https?:\/\/\S+\/account\/#action=[a-z]+&token=[A-Za-z0-9_-]+/.exec(text)?.[0] ?? null
  const fragment = link === null ? null : new URLSearchParams(link.slice(link.indexOf('#') + 1))
  return {
    link,
    token: fragment?.get('token') ?? null,
    action: fragment?.get('action') ?? null,
    code: /\bcode: ([0-9]{8})\b/.exec(text)?.[1] ?? null
  }
}

/**
 * A real SMTP server on 127.0.0.1 (or `host`), port 0, inside the test process (smtp-server), each message
 * parsed with mailparser. No TLS (STARTTLS is not offered: loopback only) and no auth. Closed
 * when the test ends. Tests await next(address) instead of sleeping.
 */
export async function startSmtpCapture (t: { teardown (fn: () => unknown): void }, host = '127.0.0.1'): Promise<SmtpCapture> {
  const messages: CapturedMail[] = []
  const taken = new Set<CapturedMail>()
  const waiters: Array<{ address: string, resolve: (mail: CapturedMail) => void }> = []
  const capture: SmtpCapture = {
    url: '',
    messages,
    refuse: false,
    pending: (address) => messages.filter((mail) => mail.to === address.toLowerCase() && !taken.has(mail)),
    next (address) {
      const [ready] = capture.pending(address)
      if (ready !== undefined) {
        taken.add(ready)
        return Promise.resolve(ready)
      }
      return new Promise((resolve) => waiters.push({ address: address.toLowerCase(), resolve }))
    }
  }

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo (address, _session, callback) {
      callback(capture.refuse ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined)
    },
    onData (stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        const text = parsed.text ?? ''
        for (const recipient of session.envelope.rcptTo) {
          const mail: CapturedMail = {
            to: recipient.address.toLowerCase(),
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            ...parts(text)
          }
          messages.push(mail)
          const index = waiters.findIndex((waiter) => waiter.address === mail.to)
          if (index >= 0) {
            taken.add(mail)
            waiters.splice(index, 1)[0]?.resolve(mail)
          }
        }
        callback()
      }, callback)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const address = server.server.address()
  if (address === null || typeof address === 'string') throw new Error('smtp capture did not listen on a port')
  capture.url = `smtp://${host}:${address.port}`
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return capture
}

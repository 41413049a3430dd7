import nodemailer from 'nodemailer'
import type { Mailer } from './types.js'

/** Hosts where a plain SMTP connection never leaves the machine (a local relay, the test server). */
const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost'])

/**
 * SMTP through nodemailer. smtps:// is TLS from the first byte (port 465). smtp:// must upgrade
 * with STARTTLS (`requireTLS`): a server or a man in the middle that drops STARTTLS gets no
 * message, rather than a reset link in clear text. Only a loopback host may speak plain SMTP
 * (a relay on the same machine, the tests' server). Certificates are always verified. A query
 * parameter in SMTP_URL overrides these (e.g. `?requireTLS=false` for a development relay in
 * another container): nodemailer lets URL options win.
 */
export function createSmtpMailer ({ url, from, timeoutMs }: { url: string, from: string, timeoutMs: number }): Mailer & { close (): void } {
  const host = new URL(url).hostname
  const transport = nodemailer.createTransport({
    url,
    requireTLS: !url.startsWith('smtps:') && !LOOPBACK.has(host),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true
  })
  return {
    async send ({ to, subject, text, html }) {
      await transport.sendMail({ from, to, subject, text, html })
    },
    close: () => transport.close()
  }
}

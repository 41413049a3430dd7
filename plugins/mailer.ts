import fp from 'fastify-plugin'
import { createLogMailer } from '../services/mail/log-mailer.js'
import { createSmtpMailer } from '../services/mail/smtp.js'
import type { Mailer } from '../services/mail/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one seam for outgoing mail: `await fastify.mailer.send({ to, subject, text, html })`. */
    mailer: Mailer
  }
}

/**
 * Outgoing mail. SMTP_URL set: nodemailer over SMTP (services/mail/smtp.ts). Unset: the log
 * (development only; production refuses to start without SMTP_URL while a mail flow is on, and
 * with every flow off a send fails and is audited mail_failed).
 *
 * To send through a provider's HTTP API instead, replace the body of this plugin with a
 * decorator of your own, keeping the name 'mailer':
 *   fastify.decorate('mailer', { async send ({ to, subject, text, html }) { await fetch(...) } })
 * Every flow goes through `send`, so nothing else changes.
 */
export default fp(async (fastify) => {
  const { SMTP_URL, MAIL_FROM, MAIL_SEND_TIMEOUT_MS, NODE_ENV } = fastify.config
  if (SMTP_URL !== undefined) {
    const smtp = createSmtpMailer({ url: SMTP_URL, from: MAIL_FROM, timeoutMs: MAIL_SEND_TIMEOUT_MS })
    fastify.addHook('onClose', async () => smtp.close())
    fastify.decorate('mailer', { send: smtp.send })
    return
  }
  if (NODE_ENV === 'production') {
    fastify.decorate('mailer', { send: async () => { throw new Error('no mail transport: set SMTP_URL') } })
    return
  }
  fastify.decorate('mailer', createLogMailer(fastify.log.child({ mailer: 'log' })))
}, { name: 'mailer', dependencies: ['config'] })

/** One message, both bodies made by a template (services/mail/templates/). */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

/**
 * The one seam for outgoing mail (`fastify.mailer`): SMTP by default, the log in development.
 * To use a provider's HTTP API instead, decorate `mailer` with your own `send` in
 * plugins/mailer.ts. `send` resolves once the message was accepted for delivery and rejects
 * otherwise; callers never await it inside a request (services/mail/outbox.ts).
 */
export interface Mailer {
  send (message: MailMessage): Promise<void>
}

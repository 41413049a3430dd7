import type { Mailer } from './types.js'

interface InfoLog { info (fields: object, message: string): void }

/**
 * Development without a mail server (SMTP_URL unset, never in production: the config refuses):
 * each message goes to the log at info level, its text body included, so the link and the code
 * can be copied from the terminal. This is the one place a token reaches a log, on purpose.
 */
export function createLogMailer (log: InfoLog): Mailer {
  return {
    async send ({ to, subject, text }) {
      log.info({ mail: { to, subject, text } }, `mail to ${to}: ${subject} (SMTP_URL unset: logged, not sent)`)
    }
  }
}

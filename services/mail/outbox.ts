import type { AuditEvent, AuditSink } from '../audit.js'
import type { MailMessage, Mailer } from './types.js'

export interface MailOutbox {
  /**
   * Runs `work` after the current reply, never inside it: a request that sends mail answers at
   * once and the same way whatever the work finds (an unknown account, a slow mail server). A
   * failure is logged; the caller never sees it.
   */
  later (work: () => Promise<void>): void
  /** Sends one message, giving up after the timeout; audits mail_sent or mail_failed and never throws. */
  send (message: MailMessage, about: { userId: string, mail: string }): Promise<void>
  /** Resolves once every pending piece of work has finished (shutdown, tests). */
  drain (): Promise<void>
}

class MailTimeoutError extends Error {
  override name = 'MailTimeoutError'
}

export function createMailOutbox ({ mailer, audit, timeoutMs, onError }: {
  mailer: Mailer
  audit: AuditSink
  timeoutMs: number
  onError: (error: unknown, what: string) => void
}): MailOutbox {
  const pending = new Set<Promise<void>>()

  function track (work: Promise<void>): void {
    const settled = work.catch((error: unknown) => onError(error, 'background mail work failed')).finally(() => pending.delete(settled))
    pending.add(settled)
  }

  async function sendWithin (message: MailMessage): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new MailTimeoutError(`no answer from the mail server in ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([mailer.send(message), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    later (work) {
      // setImmediate: the reply is written before the work starts its first store call.
      track(new Promise<void>((resolve) => setImmediate(resolve)).then(work))
    },

    async send (message, { userId, mail }) {
      const event: Pick<AuditEvent, 'userId' | 'mail'> = { userId, mail }
      try {
        await sendWithin(message)
        audit({ event: 'mail_sent', ...event })
      } catch (error) {
        // The error names the server's refusal or the timeout; never the message (it holds the token).
        onError(error, `mail ${mail} not sent`)
        audit({ event: 'mail_failed', ...event, reason: error instanceof MailTimeoutError ? 'timeout' : 'refused' })
      }
    },

    async drain () {
      while (pending.size > 0) await Promise.all(pending)
    }
  }
}

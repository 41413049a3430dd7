import type { AuditSink } from './audit.js'
import { createEmailChange, type EmailChange } from './account-email-change.js'
import type { FlowContext } from './account-email-context.js'
import { createPasswordReset, type PasswordReset } from './account-email-reset.js'
import { createEmailVerification, type EmailVerification } from './account-email-verify.js'
import { AppError, NotFoundError } from './errors.js'
import type { LoginThrottle } from './login-throttle.js'
import { createAddressLimit } from './mail/address-limit.js'
import type { MailOutbox } from './mail/outbox.js'
import { createOneTimeCodes } from './one-time-codes.js'
import type { PasswordHasher } from './password.js'
import type { SessionService } from './sessions.js'
import type { Store, UserRecord } from './storage/types.js'

export type EmailVerificationMode = 'off' | 'optional' | 'required'

export interface AccountEmailService {
  verification: EmailVerification
  passwordReset: PasswordReset
  emailChange: EmailChange
  /** After a registration with an address: the verification mail, after the reply (unless EMAIL_VERIFICATION=off). */
  registered (user: UserRecord): void
  /** An admin vouches for the address (or, for an account without one, lets it log in under `required`). */
  markVerified (actorId: string, userId: string): Promise<UserRecord>
  /** Finishes pending mail (shutdown, tests, the CLI). */
  drain (): Promise<void>
}

export interface AccountEmailOptions {
  store: Store
  outbox: MailOutbox
  password: PasswordHasher
  sessions: SessionService
  throttle: LoginThrottle
  audit: AuditSink
  now: () => number
  /** Where links point: the configured public URL, never a request's Host. */
  publicUrl: string
  /** Keys the code hashes (services/one-time-codes.ts). */
  codePepper: string
  ttl: FlowContext['ttl']
  verificationMode: EmailVerificationMode
  passwordResetEnabled: boolean
}

export function createAccountEmailService (options: AccountEmailOptions): AccountEmailService {
  const { store, outbox, audit, now, verificationMode } = options
  const ctx: FlowContext = {
    store,
    outbox,
    audit,
    now,
    ttl: options.ttl,
    codes: createOneTimeCodes({ store, now, pepper: options.codePepper }),
    limit: createAddressLimit({ store, now }),
    // The fragment never reaches a server or its logs, and a GET of /account/ consumes nothing.
    link: (action, token) => `${options.publicUrl}/account/#action=${action}&token=${token}`
  }
  const verification = createEmailVerification(ctx)
  return {
    verification,
    passwordReset: createPasswordReset(ctx, { password: options.password, sessions: options.sessions, enabled: options.passwordResetEnabled }),
    emailChange: createEmailChange(ctx, { password: options.password, throttle: options.throttle }),

    registered (user) {
      if (verificationMode === 'off' || user.email === null) return
      outbox.later(() => verification.send(user))
    },

    async markVerified (actorId, userId) {
      const user = await store.findUserById(userId)
      if (user === null) throw new NotFoundError('User')
      if (user.emailVerifiedAt !== null) return user
      const at = new Date(now())
      if (!await store.updateUser(userId, { emailVerifiedAt: at })) throw new AppError(404, 'not_found', 'User not found')
      await store.deleteOneTimeTokens(userId, ['email_verify'])
      audit({ event: 'email_verified', userId, actorId })
      return { ...user, emailVerifiedAt: at }
    },

    drain: () => outbox.drain()
  }
}

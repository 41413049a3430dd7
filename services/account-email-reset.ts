import { consumeProof, findAccount, InvalidOrExpiredTokenError, issuedFor, mailWithinLimit, type AccountLookup, type FlowContext, type Proof } from './account-email-context.js'
import { AppError } from './errors.js'
import { passwordChanged, passwordReset } from './mail/templates/index.js'
import type { PasswordHasher } from './password.js'
import { assertAcceptablePassword } from './password-policy.js'
import type { SessionService } from './sessions.js'
import type { UserRecord } from './storage/types.js'

export interface PasswordReset {
  /** Answers nothing: the lookup and the mail happen after the reply. */
  request (lookup: AccountLookup, ip: string | undefined): void
  /** Mails a reset link now, outside the address limit (an admin's or the CLI's request). */
  sendTo (user: UserRecord, actorId: string): Promise<void>
  /** Sets the password, ends every session, marks the address verified, voids other tokens, mails a notice. */
  reset (proof: Proof, newPassword: string, ip: string | undefined): Promise<void>
}

export class PasswordResetOffError extends AppError {
  override name = 'PasswordResetOffError'
  constructor () {
    super(403, 'password_reset_off', 'Password reset by email is turned off on this server (PASSWORD_RESET=off)')
  }
}

export function createPasswordReset (ctx: FlowContext, { password, sessions, enabled }: { password: PasswordHasher, sessions: SessionService, enabled: boolean }): PasswordReset {
  const { store, codes, audit, now, ttl, outbox } = ctx

  async function issue (user: UserRecord & { email: string }) {
    const issued = await codes.issue({ userId: user.id, purpose: 'password_reset', ttlSeconds: ttl.reset, data: { email: user.email }, replace: ['password_reset'] })
    return passwordReset({ username: user.username, link: ctx.link('reset', issued.token), code: issued.code, ttlSeconds: ttl.reset })
  }

  return {
    request (lookup, ip) {
      if (!enabled) throw new PasswordResetOffError()
      outbox.later(async () => {
        const user = await findAccount(store, lookup)
        audit({ event: 'password_reset_requested', ip, ...(user === null ? { reason: 'unknown_account' } : { userId: user.id }) })
        if (user === null || user.email === null || user.disabledAt !== null) return
        await mailWithinLimit(ctx, user, user.email, 'password-reset', await issue({ ...user, email: user.email }))
      })
    },

    async sendTo (user, actorId) {
      if (!enabled) throw new PasswordResetOffError()
      if (user.email === null) throw new AppError(409, 'no_email', 'This account has no email address to send a reset link to')
      audit({ event: 'password_reset_requested', userId: user.id, actorId })
      await outbox.send({ to: user.email, ...await issue({ ...user, email: user.email }) }, { userId: user.id, mail: 'password-reset' })
    },

    async reset (proof, newPassword, ip) {
      if (!enabled) throw new PasswordResetOffError()
      // The general rules first, before any token is spent (and alike for every caller).
      assertAcceptablePassword(newPassword, '')
      let found
      try {
        found = await consumeProof(ctx, 'password_reset', proof)
      } catch (error) {
        if (error instanceof InvalidOrExpiredTokenError) audit({ event: 'password_reset_failed', reason: 'invalid_or_expired_token', ip })
        throw error
      }
      const { record, user } = found
      // Only a holder of the token gets this far, so naming the rule reveals nothing (the token is spent).
      assertAcceptablePassword(newPassword, user.username)
      const at = new Date(now())
      // The mailbox the token went to is proven; if the address changed meanwhile, nothing is.
      const proven = user.email !== null && issuedFor(record) === user.email
      await store.updateUser(user.id, { passwordHash: await password.hash(newPassword), ...(proven && user.emailVerifiedAt === null ? { emailVerifiedAt: at } : {}) })
      await sessions.endAll(user.id)
      await store.deleteOneTimeTokens(user.id, ['password_reset', 'email_verify'])
      audit({ event: 'password_reset', userId: user.id, ip })
      if (user.email !== null) {
        const to = user.email
        outbox.later(() => outbox.send({ to, ...passwordChanged({ username: user.username }) }, { userId: user.id, mail: 'password-changed' }))
      }
    }
  }
}

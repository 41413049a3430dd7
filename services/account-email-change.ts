import { consumeProof, InvalidOrExpiredTokenError, issuedFor, mailWithinLimit, type FlowContext, type Proof } from './account-email-context.js'
import { maskEmail, normalizeEmail } from './emails.js'
import { createCurrentPasswordCheck } from './current-password.js'
import { AppError, NotFoundError } from './errors.js'
import type { LoginThrottle } from './login-throttle.js'
import { emailChangeConfirm, emailChangeNotice } from './mail/templates/index.js'
import type { PasswordHasher } from './password.js'

export interface EmailChange {
  /**
   * Checks the current password (throttled like a login), then, after the reply: a link and a
   * code to the new address, a notice to the old one. Nothing changes until the new address confirms.
   */
  request (input: { userId: string, newEmail: string, currentPassword: string, ip: string | undefined }): Promise<void>
  /** Applies the change (DuplicateEmailError if the address was taken meanwhile); the new address counts as verified. */
  confirm (proof: Proof, ip: string | undefined): Promise<{ email: string }>
}

export function createEmailChange (ctx: FlowContext, { password, throttle }: { password: PasswordHasher, throttle: LoginThrottle }): EmailChange {
  const { store, codes, audit, now, ttl, outbox } = ctx

  const checkPassword = createCurrentPasswordCheck({ password, throttle, audit })

  return {
    async request ({ userId, newEmail, currentPassword, ip }) {
      const user = await store.findUserById(userId)
      if (user === null) throw new NotFoundError('User')
      const next = normalizeEmail(newEmail)
      if (next === user.email) throw new AppError(400, 'email_unchanged', 'This is already the account\'s address')
      await checkPassword(user, currentPassword, ip)
      audit({ event: 'email_change_requested', userId, ip })
      outbox.later(async () => {
        // Taken by another account: nothing is sent, and the reply was the same (no probing of who has an address).
        const owner = await store.findUserByEmail(next)
        if (owner !== null) {
          audit({ event: 'email_change_failed', userId, reason: 'email_taken' })
          return
        }
        const issued = await codes.issue({ userId, purpose: 'email_change', ttlSeconds: ttl.change, data: { email: next }, replace: ['email_change'] })
        await mailWithinLimit(ctx, user, next, 'email-change-confirm',
          emailChangeConfirm({ username: user.username, link: ctx.link('change', issued.token), code: issued.code, ttlSeconds: ttl.change }))
        if (user.email !== null) {
          await outbox.send({ to: user.email, ...emailChangeNotice({ username: user.username, newAddress: maskEmail(next) }) }, { userId, mail: 'email-change-notice' })
        }
      })
    },

    async confirm (proof, ip) {
      let found
      try {
        found = await consumeProof(ctx, 'email_change', proof)
      } catch (error) {
        if (error instanceof InvalidOrExpiredTokenError) audit({ event: 'email_change_failed', reason: 'invalid_or_expired_token', ip })
        throw error
      }
      const { record, user } = found
      const next = issuedFor(record)
      if (next === null) throw new InvalidOrExpiredTokenError()
      // Atomic in the store: DuplicateEmailError (409) if someone registered the address meanwhile.
      await store.updateUser(user.id, { email: next, emailVerifiedAt: new Date(now()) })
      // Links sent to the old address (reset, verify) must not outlive it.
      await store.deleteOneTimeTokens(user.id, ['password_reset', 'email_verify', 'email_change'])
      audit({ event: 'email_changed', userId: user.id, ip })
      return { email: next }
    }
  }
}

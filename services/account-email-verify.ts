import { consumeProof, findAccount, InvalidOrExpiredTokenError, issuedFor, mailWithinLimit, type AccountLookup, type FlowContext, type Proof } from './account-email-context.js'
import { verifyEmail } from './mail/templates/index.js'
import type { UserRecord } from './storage/types.js'

export interface EmailVerification {
  /** Mails a link and a code to the user's unverified address (after registering, on request); within the address limit. */
  send (user: UserRecord): Promise<void>
  /** Answers nothing: the lookup and the mail happen after the reply (known, unknown, verified: alike). */
  request (lookup: AccountLookup, ip: string | undefined): void
  /** Marks the address verified; InvalidOrExpiredTokenError for any failure. */
  verify (proof: Proof): Promise<{ email: string }>
}

export function createEmailVerification (ctx: FlowContext): EmailVerification {
  const { store, codes, audit, now, ttl, outbox } = ctx

  async function send (user: UserRecord): Promise<void> {
    if (user.email === null || user.emailVerifiedAt !== null) return
    const issued = await codes.issue({ userId: user.id, purpose: 'email_verify', ttlSeconds: ttl.verify, data: { email: user.email }, replace: ['email_verify'] })
    await mailWithinLimit(ctx, user, user.email, 'verify-email',
      verifyEmail({ username: user.username, link: ctx.link('verify', issued.token), code: issued.code, ttlSeconds: ttl.verify }))
  }

  return {
    send,

    request (lookup, ip) {
      outbox.later(async () => {
        const user = await findAccount(store, lookup)
        audit({ event: 'email_verify_requested', ip, ...(user === null ? { reason: 'unknown_account' } : { userId: user.id }) })
        if (user !== null && user.disabledAt === null) await send(user)
      })
    },

    async verify (proof) {
      try {
        const { record, user } = await consumeProof(ctx, 'email_verify', proof)
        // A token sent to an address the account no longer has proves nothing about the current one.
        if (user.email === null || issuedFor(record) !== user.email) throw new InvalidOrExpiredTokenError()
        await store.updateUser(user.id, { emailVerifiedAt: new Date(now()) })
        await store.deleteOneTimeTokens(user.id, ['email_verify'])
        audit({ event: 'email_verified', userId: user.id })
        return { email: user.email }
      } catch (error) {
        if (error instanceof InvalidOrExpiredTokenError) audit({ event: 'email_verify_failed', reason: 'invalid_or_expired_token' })
        throw error
      }
    }
  }
}

import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { AssuranceLevel } from '../services/assurance.js'
import type { AppOptions } from '../services/config.js'
import { mfaKeySource } from '../services/mfa/encryption-key.js'
import { MfaEnrollmentRequiredError, MfaRequiredError } from '../services/mfa/errors.js'
import { createMfaFactorService, type MfaFactorService, type MfaNotice } from '../services/mfa/factors.js'
import { createMfaLoginService, type MfaLoginService } from '../services/mfa/login-challenge.js'
import { createMailOutbox } from '../services/mail/outbox.js'

export interface RequireMfaOptions {
  /** Let a user with no active second factor through at aal1 (a password change must not lock them out). */
  onlyWhenEnrolled?: boolean
}

type RequestHook = (request: FastifyRequest) => Promise<void>

declare module 'fastify' {
  interface FastifyInstance {
    mfa: { factors: MfaFactorService, login: MfaLoginService }
    /**
     * A hook for after `authenticate`: 403 `mfa_required` unless the access token's acr reaches
     * `level` (a token without acr, from before it existed, counts as aal1).
     * `{ onRequest: [fastify.authenticate, fastify.requireMfa()] }`.
     */
    requireMfa: (level?: AssuranceLevel, options?: RequireMfaOptions) => RequestHook
    /** The admin routes' hook: aal2 for an admin with a factor, and for every admin when ADMIN_REQUIRE_MFA=true. */
    requireAdminMfa: RequestHook
  }
}

const RANK: Record<AssuranceLevel, number> = { aal1: 1, aal2: 2 }
const levelOf = (request: FastifyRequest): number => RANK[request.user.acr ?? 'aal1'] ?? 1

/** Second factors: TOTP with recovery codes, the login challenge, and the assurance-level guards. */
export default fp<AppOptions>(async (fastify, opts) => {
  const { config, store, sessions, audit, loginThrottle } = fastify
  const now = opts.now ?? Date.now
  const { box, notice, noticeLevel } = mfaKeySource(config)
  if (notice !== null) fastify.log[noticeLevel](notice)

  // Notices are mailed after the reply (the outbox never makes a request wait or fail on mail),
  // audited mail_sent / mail_failed, and drained at close.
  const outbox = createMailOutbox({
    mailer: fastify.mailer,
    audit,
    timeoutMs: config.MAIL_SEND_TIMEOUT_MS,
    onError: (error, what) => fastify.log.error({ err: error }, what)
  })
  fastify.addHook('onClose', async () => { await outbox.drain() })
  const notify: MfaNotice = (user, mail, message) => {
    const to = user.email
    if (to === null) return
    outbox.later(() => outbox.send({ to, ...message }, { userId: user.id, mail }))
  }

  const factors = createMfaFactorService({ store, box, now, issuer: config.JWT_ISSUER, throttle: loginThrottle, audit, notify })
  const login = createMfaLoginService({ store, sessions, factors, now, audit })
  fastify.decorate('mfa', { factors, login })

  fastify.decorate('requireMfa', (level: AssuranceLevel = 'aal2', options: RequireMfaOptions = {}) => async (request: FastifyRequest) => {
    if (levelOf(request) >= RANK[level]) return
    if (options.onlyWhenEnrolled === true && (await factors.challengeMethods(request.user.sub)).length === 0) return
    throw new MfaRequiredError()
  })

  fastify.decorate('requireAdminMfa', async (request: FastifyRequest) => {
    if (levelOf(request) >= RANK.aal2) return
    // Only tokens below aal2 pay this lookup.
    const enrolled = (await factors.challengeMethods(request.user.sub)).length > 0
    if (enrolled) throw new MfaRequiredError()
    if (config.ADMIN_REQUIRE_MFA) throw new MfaEnrollmentRequiredError()
  })
}, { name: 'mfa', dependencies: ['config', 'storage', 'services', 'mailer'] })

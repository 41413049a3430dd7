import fp from 'fastify-plugin'
import { createAccountService, type AccountService } from '../services/accounts.js'
import type { AccountEmailService } from '../services/account-email.js'
import { accountEmailFromConfig } from '../services/account-email-setup.js'
import type { AuditSink } from '../services/audit.js'
import { createAuditTrail, type AuditTrail } from '../services/audit-trail.js'
import type { AppOptions } from '../services/config.js'
import { createLoginThrottle, type LoginThrottle } from '../services/login-throttle.js'
import { createOAuthService, type OAuthService } from '../services/oauth.js'
import { createPasswordHasher } from '../services/password.js'
import { createRevocationView, type RevocationView } from '../services/revocations.js'
import { createSessionService, type SessionService } from '../services/sessions.js'
import { createTokenService, type TokenService } from '../services/tokens.js'
import { createUserService, type UserService } from '../services/users.js'
import { createPasskeyService, type PasskeyService } from '../services/webauthn/passkeys.js'
import { webauthnSettings } from '../services/webauthn/settings.js'

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService
    sessions: SessionService
    tokens: TokenService
    revocations: RevocationView
    oauth: OAuthService
    accounts: AccountService
    /** The mail flows: verification, password reset, email change (services/account-email*.ts). */
    accountEmail: AccountEmailService
    /** The stored audit events (AUDIT_LOG=storage); null when they go to the log only. */
    auditTrail: AuditTrail | null
    /** Where audit events go (the log, and storage with AUDIT_LOG=storage): for plugins that add flows (mfa). */
    audit: AuditSink
    /** The per-account failure count shared by logins, password changes and second-factor codes. */
    loginThrottle: LoginThrottle
    passkeys: PasskeyService
  }
}

const PRUNE_INTERVAL_MS = 60_000

/** Wires the service factories to the store, the JWT signer/verifier and the clock. */
export default fp<AppOptions>(async (fastify, opts) => {
  const { config, store } = fastify
  const now = opts.now ?? Date.now
  // First: a bad WebAuthn setting stops start-up before any timer runs.
  const passkeySettings = webauthnSettings(config)
  const password = await createPasswordHasher(undefined, config.PASSWORD_HASH_QUEUE_MAX === undefined ? {} : { maxQueued: config.PASSWORD_HASH_QUEUE_MAX })
  const auditLog = fastify.log.child({ audit: true })
  const logAudit: AuditSink = (event) => auditLog.info(event, `audit ${event.event}`)
  const auditTrail = config.AUDIT_LOG === 'storage'
    ? createAuditTrail({
      store,
      now,
      log: logAudit,
      onWriteError: (error, event) => fastify.log.error({ err: error, event: event.event }, 'audit event not stored (it is in the log)')
    })
    : null
  const audit = auditTrail?.sink ?? logAudit
  const tokens = createTokenService({
    sign: fastify.signAccessJwt,
    verify: fastify.verifyAccessJwt,
    accessTokenTtl: config.ACCESS_TOKEN_TTL
  })
  const revocations = createRevocationView({
    store,
    now,
    syncIntervalMs: config.REVOCATION_SYNC_INTERVAL_MS,
    onSyncError: (error) => fastify.log.warn({ err: error }, 'revocation sync failed; keeping the current view')
  })
  await revocations.load()
  revocations.start()

  const pruneTimer = setInterval(() => {
    store.pruneExpired(new Date(now())).catch((error: unknown) => fastify.log.warn({ err: error }, 'pruning expired records failed'))
  }, PRUNE_INTERVAL_MS)
  pruneTimer.unref()
  // Runs before the storage plugin's onClose (hooks close in reverse order): no write is cut off.
  fastify.addHook('onClose', async () => {
    clearInterval(pruneTimer)
    revocations.stop()
    await fastify.accountEmail.drain()
    await auditTrail?.flush()
  })

  fastify.decorate('auditTrail', auditTrail)
  fastify.decorate('tokens', tokens)
  fastify.decorate('revocations', revocations)
  const throttle = createLoginThrottle({ store, now, audit })
  fastify.decorate('audit', audit)
  fastify.decorate('loginThrottle', throttle)
  fastify.decorate('users', createUserService({ store, password, now, audit, throttle, emailVerification: config.EMAIL_VERIFICATION }))
  const sessions = createSessionService({
    store,
    tokens,
    revocations,
    now,
    refreshTokenTtl: config.REFRESH_TOKEN_TTL,
    reuseGrace: config.REFRESH_REUSE_GRACE,
    maxSessionsPerUser: config.MAX_SESSIONS_PER_USER,
    audit
  })
  fastify.decorate('sessions', sessions)
  fastify.decorate('accounts', createAccountService({ store, sessions, password, now, audit, throttle }))
  fastify.decorate('accountEmail', accountEmailFromConfig({ config, log: fastify.log, mailer: fastify.mailer, store, password, sessions, throttle, audit, now }))
  fastify.decorate('passkeys', createPasskeyService({ store, settings: passkeySettings, password, throttle, now, audit }))
  fastify.decorate('oauth', createOAuthService({ store, tokens, sessions, revocations, now, clients: config.introspectionClients, clientAuthLimit: { maxFailures: config.INTROSPECTION_MAX_FAILURES, windowMs: config.RATE_LIMIT_WINDOW_MS }, audit }))
}, { name: 'services', dependencies: ['config', 'jwt', 'storage', 'mailer'] })

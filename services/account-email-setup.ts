import type { FastifyBaseLogger } from 'fastify'
import { createAccountEmailService, type AccountEmailService } from './account-email.js'
import type { AuditSink } from './audit.js'
import type { AppConfig } from './config.js'
import type { LoginThrottle } from './login-throttle.js'
import { createMailOutbox } from './mail/outbox.js'
import type { Mailer } from './mail/types.js'
import type { PasswordHasher } from './password.js'
import { publicBaseUrl } from './public-url.js'
import type { SessionService } from './sessions.js'
import type { Store } from './storage/types.js'

/** The mail flows from the configuration, sharing the server's hasher, throttle, sessions and audit sink. */
export function accountEmailFromConfig ({ config, log, mailer, ...shared }: {
  config: AppConfig
  log: FastifyBaseLogger
  mailer: Mailer
  store: Store
  password: PasswordHasher
  sessions: SessionService
  throttle: LoginThrottle
  audit: AuditSink
  now: () => number
}): AccountEmailService {
  const outbox = createMailOutbox({
    mailer,
    audit: shared.audit,
    timeoutMs: config.MAIL_SEND_TIMEOUT_MS,
    onError: (error, what) => log.error({ err: error }, what)
  })
  return createAccountEmailService({
    ...shared,
    outbox,
    publicUrl: publicBaseUrl(config),
    // A generated secret changes with every process: codes then stay bound to user and purpose only.
    codePepper: config.jwtSecretGenerated ? 'one-time-code' : config.JWT_SECRET,
    ttl: { reset: config.PASSWORD_RESET_TTL, verify: config.EMAIL_VERIFICATION_TTL, change: config.EMAIL_CHANGE_TTL },
    verificationMode: config.EMAIL_VERIFICATION,
    passwordResetEnabled: config.PASSWORD_RESET === 'on'
  })
}

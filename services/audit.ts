/** Security-relevant events, each a structured log line with a stable `event` field. */
export type AuditEventName =
  | 'register'
  | 'login_success'
  | 'login_failure'
  | 'lockout'
  | 'refresh'
  | 'refresh_reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'token_revoked'
  | 'password_changed'
  | 'roles_changed'
  | 'user_disabled'
  | 'user_enabled'
  | 'user_deleted'
  | 'login_failures_cleared'
  // Account flows by email (services/account-email*.ts): requests, sends, successes, failures.
  | 'mail_sent'
  | 'mail_failed'
  | 'mail_limited'
  | 'email_verify_requested'
  | 'email_verified'
  | 'email_verify_failed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'password_reset_failed'
  | 'email_change_requested'
  | 'email_changed'
  | 'email_change_failed'

export interface AuditEvent {
  event: AuditEventName
  userId?: string
  sessionId?: string
  /** register: the username as typed; login failures and lockouts: the normalised username of an existing account only (never a name as typed: it may be a password). */
  username?: string
  /** Category only: unknown_user, wrong_password, throttled. */
  reason?: string
  ip?: string
  retryAfterSeconds?: number
  sessions?: number
  /** The admin who made an account change. */
  actorId?: string
  roles?: string[]
  /** Which message (a template name: password-reset, verify-email, ...); never its content, link or code. */
  mail?: string
}

export type AuditSink = (event: AuditEvent) => void

/** For services built without a sink (unit tests, the CLI). */
export const discardAudit: AuditSink = () => {}

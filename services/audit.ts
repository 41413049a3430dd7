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
  | 'mfa_enrolled'
  | 'mfa_login'
  | 'mfa_failure'
  | 'mfa_step_up'
  | 'mfa_removed'
  | 'mfa_reset'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
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
  | 'passkey_registered'
  | 'passkey_login'
  | 'passkey_deleted'
  | 'passkey_counter_anomaly'

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
  /** Second factors: the method used or changed ('totp', 'recovery_code', 'passkey'). */
  method?: string
  /** recovery_code_used: unused codes left. */
  remaining?: number
  /** mfa_reset: what went. */
  passkeys?: number
  totp?: boolean
  /** Which message (a template name: password-reset, verify-email, ...); never its content, link or code. */
  mail?: string
  /** The passkey (WebAuthn credential id) an event is about. */
  passkeyId?: string
  /** passkey_counter_anomaly: the signature counter stored and the one the authenticator sent. */
  storedCounter?: number
  receivedCounter?: number
}

export type AuditSink = (event: AuditEvent) => void

/** For services built without a sink (unit tests, the CLI). */
export const discardAudit: AuditSink = () => {}

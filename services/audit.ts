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

export interface AuditEvent {
  event: AuditEventName
  userId?: string
  sessionId?: string
  /** The username as typed, for login failures and lockouts (never a password). */
  username?: string
  /** Category only: unknown_user, wrong_password, throttled. */
  reason?: string
  ip?: string
  retryAfterSeconds?: number
  sessions?: number
}

export type AuditSink = (event: AuditEvent) => void

/** For services built without a sink (unit tests, the CLI). */
export const discardAudit: AuditSink = () => {}

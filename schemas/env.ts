import { Type, type Static } from 'typebox'

const LogLevel = Type.Union([
  Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
  Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
], { default: 'info' })

const Seconds = (fallback: number, minimum = 1) =>
  Type.Integer({ minimum, maximum: 10 * 365 * 24 * 3600, default: fallback })

/** Every environment variable the server reads, with its default: the single source of truth. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: LogLevel,
  STORAGE_URL: Type.String({ minLength: 1, default: 'sqlite://./data/auth.db' }),
  STORAGE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  STORAGE_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 600000, default: 5000 }),
  JWT_ALGORITHM: Type.Union([Type.Literal('HS256'), Type.Literal('EdDSA'), Type.Literal('ES256'), Type.Literal('RS256')], { default: 'HS256' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  JWT_PRIVATE_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'fastify-jwt-auth-server' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'fastify-jwt-auth-server' }),
  ACCESS_TOKEN_TTL: Seconds(900),
  REFRESH_TOKEN_TTL: Seconds(1209600),
  REFRESH_REUSE_GRACE: Seconds(10, 0),
  REVOCATION_SYNC_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 3600000, default: 1000 }),
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_AUTH_MAX: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 20 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  ALLOW_MEMORY_STORAGE: Type.Boolean({ default: false }),
  INTROSPECTION_CLIENTS: Type.Optional(Type.String({ pattern: '^[^:,]+:[^,]+(,[^:,]+:[^,]+)*$' })),
  /** Where audit events go: the log only, or the log and the storage adapter (GET /admin/audit). */
  AUDIT_LOG: Type.Union([Type.Literal('log'), Type.Literal('storage')], { default: 'log' }),
  /** Proxies whose X-Forwarded-For is believed: "true" (any) or their addresses / CIDRs. */
  TRUST_PROXY: Type.Optional(Type.String({ pattern: '^(true|false|[0-9A-Fa-f.:/]+(\\s*,\\s*[0-9A-Fa-f.:/]+)*)$' })),
  /** Worker processes sharing the port (node:cluster); more than 1 needs shared storage. */
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 1 }),
  /** 503 + Retry-After while the mean event-loop delay of the last second is above this (0: off). */
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 1000 }),
  /**
   * 503 + Retry-After while the event loop was busy more than this share of the last second.
   * 0 (off) by default: a saturated loop with short delays is serving at full speed, not failing.
   */
  MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  /** Active sessions (refresh tokens) one user may hold; a login beyond it ends their oldest session. */
  MAX_SESSIONS_PER_USER: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
  /** The URL users and other services reach this server at (discovery and JWKS links); required in production unless JWT_ISSUER is an https:// URL. */
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$' })),
  /** TRUST_PROXY=true in production also needs this: every client must reach the server through a proxy that overwrites X-Forwarded-For. */
  TRUST_PROXY_ANY_ACKNOWLEDGED: Type.Boolean({ default: false }),
  /** A request (headers and body) must arrive within this time, or it is answered 408 and its connection closed. */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000 }),
  /** The request headers must arrive within this time (at most REQUEST_TIMEOUT_MS). */
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 10_000 }),
  /** A connection on which nothing is received or sent for this long is closed (0: never); above the 72 s keep-alive. */
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 90_000 }),
  /** Password hashes waiting for a core beyond this answer 503 overloaded at once (default: 32 per core). */
  PASSWORD_HASH_QUEUE_MAX: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  /** Failed /oauth/introspect client authentications allowed per client id and per IP in RATE_LIMIT_WINDOW_MS (0: no limit). */
  INTROSPECTION_MAX_FAILURES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10 }),
  /** How long start-up waits for a storage server that refuses connections (not up yet), retrying with backoff. */
  STORAGE_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  /** Encrypts TOTP secrets at rest (AES-256-GCM): 32 bytes as base64 or hex; "new,old" during a rotation. Required in production. */
  MFA_ENCRYPTION_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Every admin route needs a session that used a second factor (aal2); an admin without one is told to enrol. */
  ADMIN_REQUIRE_MFA: Type.Boolean({ default: false }),
  /** Outgoing mail (plugins/mailer.ts): smtp://user:pass@host:587 (STARTTLS required unless loopback) or smtps://…:465; unset outside production: mail goes to the log. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  /** The From of every message. */
  MAIL_FROM: Type.String({ minLength: 3, default: 'no-reply@localhost' }),
  /** A send that has not finished in this time is given up (and audited mail_failed); replies never wait for it. */
  MAIL_SEND_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 }),
  /** off: no verification mail; optional: mailed, not required; required: login refused (403 email_not_verified) until verified. */
  EMAIL_VERIFICATION: Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')], { default: 'optional' }),
  /** on: POST /auth/password/forgot mails reset links; off: the reset routes answer 403 password_reset_off. */
  PASSWORD_RESET: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on' }),
  PASSWORD_RESET_TTL: Seconds(3600),
  EMAIL_VERIFICATION_TTL: Seconds(86400),
  EMAIL_CHANGE_TTL: Seconds(3600),
  /** Requests to the routes that send mail allowed per client IP in RATE_LIMIT_WINDOW_MS (off with RATE_LIMIT_AUTH_MAX=0). */
  MAIL_RATE_LIMIT_IP_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10 }),
  /** The WebAuthn relying party id passkeys are bound to: a domain (no scheme, no port); default: PUBLIC_URL's host name (localhost in development). */
  WEBAUTHN_RP_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]+$', maxLength: 253 })),
  /** The name an authenticator shows next to a passkey; default: the package name. */
  WEBAUTHN_RP_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Origins (comma-separated) whose pages may register and use passkeys; default: PUBLIC_URL's origin. */
  WEBAUTHN_ORIGINS: Type.Optional(Type.String({ minLength: 1 }))
})

export type Env = Static<typeof EnvSchema>

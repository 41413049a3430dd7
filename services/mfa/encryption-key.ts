import { ConfigError } from '../config.js'
import { createSecretBox, deriveDevelopmentKey, parseEncryptionKey, type SecretBox } from './secret-box.js'

export interface MfaKeySource {
  box: SecretBox
  /** How the key was found, for the start-up log; null when MFA_ENCRYPTION_KEY was set. */
  notice: string | null
  noticeLevel: 'info' | 'warn'
}

/**
 * The key that encrypts TOTP secrets. MFA_ENCRYPTION_KEY: one key, or a comma list whose first
 * key encrypts and whose others still decrypt (a rotation; each stored secret names its key).
 * Unset (refused in production by services/production-guard.ts), the key is derived from the
 * JWT secret: stable across restarts where that is (data/jwt-secret), and worthless to anyone who
 * does not also hold the signing secret.
 */
export function mfaKeySource (config: { MFA_ENCRYPTION_KEY?: string | undefined, JWT_SECRET: string, jwtSecretGenerated: boolean }): MfaKeySource {
  const raw = config.MFA_ENCRYPTION_KEY
  if (raw !== undefined) {
    const keys = raw.split(',').map((part, index) => {
      const key = parseEncryptionKey(part)
      if (key === null) throw new ConfigError(`MFA_ENCRYPTION_KEY: key ${index + 1} is not 32 bytes written as 64 hex characters or base64: generate one with: openssl rand -base64 32`)
      return key
    })
    return { box: createSecretBox(keys), notice: null, noticeLevel: 'info' }
  }
  // A stable local secret (data/jwt-secret) makes this the normal development setup: info, and
  // worded without JWT_SECRET, so the CLI's output does not suggest a missing setting. A secret
  // random for this process loses every enrolment at restart: that is worth a warning.
  const random = config.jwtSecretGenerated
  return {
    box: createSecretBox([deriveDevelopmentKey(config.JWT_SECRET)]),
    notice: random
      ? 'MFA_ENCRYPTION_KEY is not set: TOTP secrets are encrypted with a key derived from the JWT secret, which is random for this process, so enrolled authenticator apps stop working at restart; NODE_ENV=production refuses to start without MFA_ENCRYPTION_KEY'
      : 'MFA_ENCRYPTION_KEY is not set: TOTP secrets are encrypted with a key derived from the token signing secret (production requires MFA_ENCRYPTION_KEY)',
    noticeLevel: random ? 'warn' : 'info'
  }
}

import type { Env } from '../schemas/env.js'
import { ConfigError } from './config.js'

/** Below this many bits (length × the secret's own per-character Shannon entropy), an HS256 secret is refused in production. */
const MIN_SECRET_ESTIMATED_BITS = 80
/** A secret made of fewer distinct characters than this is refused in production. */
const MIN_SECRET_DISTINCT_CHARACTERS = 8
export const MIN_INTROSPECTION_SECRET_CHARS = 32

/**
 * What the secret's characters themselves say about its entropy: each character counted at its
 * observed frequency. It cannot see structure (a known phrase), only the obvious: one character
 * repeated ("xxxx…"), a short cycle ("abab…"), a handful of distinct characters. A random 32-hex-
 * character secret (128 bits) estimates at 91 bits or more (200,000 samples); "ab" × 20 at 40.
 */
export function estimatedSecretBits (secret: string): number {
  const counts = new Map<string, number>()
  const characters = [...secret]
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1)
  let bitsPerCharacter = 0
  for (const count of counts.values()) {
    const share = count / characters.length
    bitsPerCharacter -= share * Math.log2(share)
  }
  return bitsPerCharacter * characters.length
}

/** NODE_ENV values a person meant as production but that switch none of its checks on. */
export function assertNodeEnvIsExact (nodeEnv: string): void {
  if (nodeEnv !== 'production' && /^\s*prod/i.test(nodeEnv)) {
    throw new ConfigError(`NODE_ENV=${JSON.stringify(nodeEnv)} looks like production but is not exactly "production", so the production safety checks would be off: set NODE_ENV=production (lowercase, no spaces)`)
  }
}

/** The checks that only production makes; each message names the variable and the fix. */
export function assertProductionSafety (env: Env, introspectionClients: Map<string, string>): void {
  const secret = env.JWT_SECRET ?? ''
  if (env.JWT_ALGORITHM === 'HS256' && (estimatedSecretBits(secret) < MIN_SECRET_ESTIMATED_BITS || new Set(secret).size < MIN_SECRET_DISTINCT_CHARACTERS)) {
    throw new ConfigError('JWT_SECRET is guessable (one repeated character, a short repeated pattern or very few distinct characters) when NODE_ENV=production: generate a random one with: openssl rand -base64 48')
  }
  if (env.TRUST_PROXY === 'true' && !env.TRUST_PROXY_ANY_ACKNOWLEDGED) {
    throw new ConfigError('TRUST_PROXY=true believes X-Forwarded-For from any peer, so a client that reaches the server directly picks its own address (rate limits, throttling, audit): set TRUST_PROXY to your proxies\' addresses or CIDR ranges, or TRUST_PROXY_ANY_ACKNOWLEDGED=true if every client comes through a proxy that overwrites X-Forwarded-For')
  }
  for (const [clientId, secretOfClient] of introspectionClients) {
    if ([...secretOfClient].length < MIN_INTROSPECTION_SECRET_CHARS) {
      throw new ConfigError(`INTROSPECTION_CLIENTS: the secret of client "${clientId}" must have at least ${MIN_INTROSPECTION_SECRET_CHARS} characters when NODE_ENV=production (generate one with: openssl rand -base64 32)`)
    }
  }
  if (env.MFA_ENCRYPTION_KEY === undefined) {
    throw new ConfigError('MFA_ENCRYPTION_KEY must be set when NODE_ENV=production (it encrypts the TOTP secrets of second factors at rest; keep it apart from the database and its backups): generate one with: openssl rand -base64 32')
  }
  if (env.SMTP_URL === undefined && (env.EMAIL_VERIFICATION !== 'off' || env.PASSWORD_RESET !== 'off')) {
    throw new ConfigError('SMTP_URL must be set when NODE_ENV=production and a flow that sends mail is on (EMAIL_VERIFICATION, PASSWORD_RESET): set SMTP_URL=smtps://user:password@smtp.example.com:465 (or smtp://…:587 with STARTTLS), or EMAIL_VERIFICATION=off and PASSWORD_RESET=off to run without mail')
  }
  if (env.PUBLIC_URL === undefined && !/^https:\/\//.test(env.JWT_ISSUER)) {
    throw new ConfigError('PUBLIC_URL must be set when NODE_ENV=production and JWT_ISSUER is not an https:// URL: set PUBLIC_URL to the URL clients reach this server at (e.g. https://auth.example.com); discovery and JWKS links are built from it, never from the Host header')
  }
}

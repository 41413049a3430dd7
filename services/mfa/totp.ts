import { Secret, TOTP } from 'otpauth'

/** RFC 6238 parameters every authenticator app understands: SHA-1, 6 digits, 30 s steps. */
export const TOTP_DIGITS = 6
export const TOTP_PERIOD_SECONDS = 30
/** Steps of clock skew accepted either side of the server's: a code is good for about 90 s. */
export const TOTP_WINDOW = 1
/** 160 bits: the size RFC 4226 recommends for the shared secret. */
const SECRET_BYTES = 20

const CODE = /^[0-9]{6}$/

function totpOf (secretBase32: string, label = 'account', issuer = ''): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) })
}

/** A new shared secret, base32 (what authenticator apps take when typed in by hand). */
export function newTotpSecret (): string {
  return new Secret({ size: SECRET_BYTES }).base32
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri (secretBase32: string, accountName: string, issuer: string): string {
  return totpOf(secretBase32, accountName, issuer).toString()
}

/**
 * The time step whose code `code` is at `nowMs` (within ±TOTP_WINDOW steps), or null. The caller
 * records the step with store.useTotpStep, which refuses a step already used (replay).
 * The comparison is otpauth's (constant-time); only the step arithmetic is ours.
 */
export function matchingTotpStep (secretBase32: string, code: string, nowMs: number): number | null {
  if (!CODE.test(code)) return null
  const totp = totpOf(secretBase32)
  const delta = totp.validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW })
  return delta === null ? null : totp.counter({ timestamp: nowMs }) + delta
}

/** The code of `nowMs` (tests, the bench, and the demo's own checks). */
export function totpCode (secretBase32: string, nowMs: number): string {
  return totpOf(secretBase32).generate({ timestamp: nowMs })
}

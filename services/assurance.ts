/**
 * Authentication methods (RFC 8176 `amr` values) and the assurance level they add up to, carried
 * by every access token as `amr` and `acr`.
 *
 * - 'pwd'  a password
 * - 'otp'  a one-time code (TOTP, or a recovery code: it stands in for the authenticator)
 * - 'hwk'  proof of possession of a hardware-bound key (a passkey)
 * - 'user' a user-presence test; 'mfa' several factors at once (a passkey with user verification)
 */
export type AuthenticationMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'pin' | 'fpt' | 'mfa'

/** `acr` values: 'aal1' one factor, 'aal2' two (after NIST SP 800-63B's authenticator assurance levels). */
export type AssuranceLevel = 'aal1' | 'aal2'

const KNOWLEDGE = new Set(['pwd', 'pin'])
const POSSESSION = new Set(['otp', 'hwk', 'swk'])

/** aal2 when the methods include a multi-factor one, or something known plus something held. */
export function assuranceLevel (amr: readonly string[]): AssuranceLevel {
  if (amr.includes('mfa')) return 'aal2'
  const knows = amr.some((method) => KNOWLEDGE.has(method))
  const holds = amr.some((method) => POSSESSION.has(method))
  return knows && holds ? 'aal2' : 'aal1'
}

/** The methods of a password login. */
export const PASSWORD_ONLY: readonly AuthenticationMethod[] = ['pwd']

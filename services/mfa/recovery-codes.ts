import { randomInt } from 'node:crypto'
import { sha256Hex } from '../sha256.js'

export const RECOVERY_CODE_COUNT = 10
/** 30 characters no one confuses on paper: upper case and digits without 0/O, 1/I/L and U/V's twin U. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'
const LENGTH = 10

/** A code as shown: `XXXXX-XXXXX` (10 characters, about 49 bits). */
export function newRecoveryCode (): string {
  let code = ''
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)]
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

export function newRecoveryCodes (): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
}

/** What the user typed, as stored: dashes and spaces dropped, upper case. */
export function normalizeRecoveryCode (typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase()
}

/**
 * The stored form. SHA-256 and not argon2: a code is 10 random characters of 30 (about 49 bits),
 * not something a person chose, so there is no dictionary to try first; online, the login
 * throttle and 5 wrong tries per mfa_token bound guessing to nothing useful. Offline, someone
 * holding a copy of the database could brute-force 2^48 SHA-256 on average per code, but a
 * recovery code only works after the password (an mfa_token comes from a password login), and
 * the password is argon2id: the slow hash is where it is needed. A slow hash here would cost every
 * recovery login and regeneration ten argon2 runs for no gain. The user id salts the hash, so one
 * precomputation serves one account only.
 */
export function hashRecoveryCode (userId: string, typed: string): string {
  return sha256Hex(`recovery\u0000${userId}\u0000${normalizeRecoveryCode(typed)}`)
}

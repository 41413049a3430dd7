import { dictionary } from '@zxcvbn-ts/language-common'
import { AppError } from './errors.js'
import { normalizePassword } from './password.js'

export const PASSWORD_MIN_CHARS = 8
export const PASSWORD_MAX_CHARS = 1024
/** Longer inputs are refused before any hashing, whatever their character count. */
export const PASSWORD_MAX_BYTES = 1024

/**
 * The 49,233 most common passwords of zxcvbn-ts's common dictionary (@zxcvbn-ts/language-common,
 * MIT licence), compared case-insensitively.
 */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()))

export class PasswordPolicyError extends AppError {
  override name = 'PasswordPolicyError'
  constructor (reason: string) {
    super(400, 'weak_password', reason)
  }
}

export class PasswordTooLongError extends AppError {
  override name = 'PasswordTooLongError'
  constructor () {
    super(400, 'invalid_request', `password must not exceed ${PASSWORD_MAX_BYTES} bytes`)
  }
}

export function assertPasswordSize (password: string): void {
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) throw new PasswordTooLongError()
}

/**
 * Characters that show nothing: format characters (zero-width space and joiners, soft hyphen,
 * BOM, bidi marks, word joiner…) and the other default-ignorable ones (variation selectors,
 * Hangul fillers, the combining grapheme joiner…). "pass\u200Bword" is "password" to the eye and
 * to a guesser's list.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu

/** What the rules judge: the NFKC form the hash is made of, without invisible characters. */
export const visiblePassword = (password: string) => normalizePassword(password).replace(INVISIBLE, '')

/** NIST SP 800-63B style: length limits, no composition rules, no common or obvious passwords. */
export function assertAcceptablePassword (password: string, username: string): void {
  assertPasswordSize(password)
  const visible = visiblePassword(password)
  const length = [...visible].length
  if (length < PASSWORD_MIN_CHARS) throw new PasswordPolicyError(`password must have at least ${PASSWORD_MIN_CHARS} visible characters`)
  if ([...normalizePassword(password)].length > PASSWORD_MAX_CHARS) throw new PasswordPolicyError(`password must have at most ${PASSWORD_MAX_CHARS} characters`)
  if (new Set(visible).size === 1) throw new PasswordPolicyError('password must not be one character repeated')
  const lowered = visible.toLowerCase()
  if (lowered === normalizePassword(username).toLowerCase()) throw new PasswordPolicyError('password must not be the username')
  if (COMMON_PASSWORDS.has(lowered)) throw new PasswordPolicyError('password is one of the most common passwords; choose another')
}

export const commonPasswordCount = COMMON_PASSWORDS.size

import { AppError } from './errors.js'

/** Control and format characters (NUL, TAB, zero-width joiners, bidi marks ...): never part of a username. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u

export class InvalidUsernameError extends AppError {
  override name = 'InvalidUsernameError'
  constructor (reason: string) {
    super(400, 'invalid_username', reason)
  }
}

/**
 * The one form a username is stored, looked up and throttled under: NFKC (full-width letters,
 * the Kelvin sign and no-break or ideographic spaces become their plain forms), surrounding
 * whitespace trimmed, lower case. Trimming matters beyond looks: MySQL's collations ignore
 * trailing spaces (PAD SPACE), so "alice " finds alice there; without the trim each such spelling
 * would be a login for alice with a failure budget of its own.
 */
export function normalizeUsername (username: string): string {
  return username.normalize('NFKC').trim().toLowerCase()
}

/** Whether a normalised login name can belong to an account at all (registration refuses the rest). */
export function canBeUsername (normalized: string): boolean {
  return normalized !== '' && !CONTROL_OR_FORMAT.test(normalized)
}

/** Registration takes a username only in a form whose normalisation changes nothing but case and compatibility forms. */
export function assertRegistrableUsername (username: string): void {
  const compatible = username.normalize('NFKC')
  if (compatible.trim() !== compatible) throw new InvalidUsernameError('username must not begin or end with whitespace')
  if (!canBeUsername(compatible)) throw new InvalidUsernameError('username must not be empty or contain control characters')
}

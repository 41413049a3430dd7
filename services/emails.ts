/** Emails are stored trimmed and lower-cased: one address, one account, whatever the case typed. */
export const normalizeEmail = (typed: string) => typed.trim().toLowerCase()

/** "al***@example.com": enough for the owner to recognise, not enough to harvest. */
export function maskEmail (email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 0) return '***'
  return `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`
}

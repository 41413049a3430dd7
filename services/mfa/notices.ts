import { escapeHtml, htmlDocument, type RenderedMail } from '../mail/templates/layout.js'

/** The second-factor notices mailed to the owner (when they have an address), each saying what to do if it was not them. */
function notice (username: string, subject: string, lines: string[]): RenderedMail {
  return {
    subject,
    text: [`Hello ${username},`, '', ...lines].join('\n'),
    html: htmlDocument(subject, [`Hello ${escapeHtml(username)},`, ...lines.map(escapeHtml)])
  }
}

export function recoveryCodeUsed ({ username, ip, remaining }: { username: string, ip: string, remaining: number }): RenderedMail {
  return notice(username, 'A recovery code of your account was used', [
    `One of your recovery codes was just used (from ${ip}) in place of your authenticator app. ${remaining} unused code(s) remain; each works once.`,
    'If it was not you, someone has your password and a recovery code: change your password, create new recovery codes, and contact an administrator.'
  ])
}

export function totpRemoved ({ username, ip }: { username: string, ip: string }): RenderedMail {
  return notice(username, 'The authenticator app of your account was removed', [
    `The authenticator app was removed from your account (from ${ip}); signing in now needs only your password unless you have a passkey.`,
    'If it was not you, change your password, set up your authenticator app again, and contact an administrator.'
  ])
}

export function factorsReset ({ username }: { username: string }): RenderedMail {
  return notice(username, 'The second factors of your account were reset', [
    'An administrator removed the second factors of your account (authenticator app, recovery codes and passkeys) and signed out every session. Sign in with your password and set up a second factor again.',
    'If you did not ask for this, contact an administrator at once.'
  ])
}

import { escapeHtml, htmlDocument, type RenderedMail } from './layout.js'

/** After a reset: tells the owner, in case it was not them. */
export function passwordChanged ({ username }: { username: string }): RenderedMail {
  const subject = 'Your password was changed'
  const lines = [
    'The password of your account was just reset with a code or link sent to this address, and every session was signed out.',
    'If it was not you, reset it again at once and secure this mailbox: whoever did it can read your mail.'
  ]
  return {
    subject,
    text: [`Hello ${username},`, '', ...lines].join('\n'),
    html: htmlDocument(subject, [`Hello ${escapeHtml(username)},`, ...lines.map(escapeHtml)])
  }
}

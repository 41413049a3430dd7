import { escapeHtml, htmlDocument, type RenderedMail } from './layout.js'

/**
 * To the OLD address when a change is requested: the change waits for the new address to
 * confirm, so this message only warns; nothing in it needs a click.
 */
export function emailChangeNotice ({ username, newAddress }: { username: string, newAddress: string }): RenderedMail {
  const subject = 'A change of your email address was requested'
  const lines = [
    `Someone signed in as ${username} with your password asked to move the account to ${newAddress}.`,
    'The address changes only when the new one confirms. If it was not you, change your password now: your current password is known to someone else.'
  ]
  return {
    subject,
    text: [`Hello ${username},`, '', ...lines].join('\n'),
    html: htmlDocument(subject, [`Hello ${escapeHtml(username)},`, ...lines.map(escapeHtml)])
  }
}

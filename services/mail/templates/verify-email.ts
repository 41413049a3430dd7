import { escapeHtml, htmlDocument, linkAndCodeHtml, minutes, type RenderedMail } from './layout.js'

/** To a new or re-requested address: proves the owner reads mail there. */
export function verifyEmail ({ username, link, code, ttlSeconds }: { username: string, link: string, code: string, ttlSeconds: number }): RenderedMail {
  const subject = 'Confirm your email address'
  const text = [
    `Hello ${username},`,
    '',
    `Open this link and press the button to confirm this address (it works for ${minutes(ttlSeconds)}):`,
    link,
    '',
    `Or type this code: ${code}`,
    '',
    'If you did not create an account, ignore this message.'
  ].join('\n')
  const html = htmlDocument(subject, [
    `Hello ${escapeHtml(username)},`,
    `Open this link and press the button to confirm this address (it works for ${minutes(ttlSeconds)}):`,
    ...linkAndCodeHtml(link, code),
    'If you did not create an account, ignore this message.'
  ])
  return { subject, text, html }
}

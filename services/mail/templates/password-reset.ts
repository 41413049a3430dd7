import { escapeHtml, htmlDocument, linkAndCodeHtml, minutes, type RenderedMail } from './layout.js'

/** The answer to "forgot password": a link and a code that set a new password once. */
export function passwordReset ({ username, link, code, ttlSeconds }: { username: string, link: string, code: string, ttlSeconds: number }): RenderedMail {
  const subject = 'Reset your password'
  const text = [
    `Hello ${username},`,
    '',
    `Someone asked to reset the password of your account. Open this link to choose a new one (it works once, for ${minutes(ttlSeconds)}):`,
    link,
    '',
    `Or type this code: ${code}`,
    '',
    'If it was not you, ignore this message: your password stays as it is.'
  ].join('\n')
  const html = htmlDocument(subject, [
    `Hello ${escapeHtml(username)},`,
    `Someone asked to reset the password of your account. Open this link to choose a new one (it works once, for ${minutes(ttlSeconds)}):`,
    ...linkAndCodeHtml(link, code),
    'If it was not you, ignore this message: your password stays as it is.'
  ])
  return { subject, text, html }
}

import { escapeHtml, htmlDocument, linkAndCodeHtml, minutes, type RenderedMail } from './layout.js'

/** To the NEW address: the change applies only once this is confirmed. */
export function emailChangeConfirm ({ username, link, code, ttlSeconds }: { username: string, link: string, code: string, ttlSeconds: number }): RenderedMail {
  const subject = 'Confirm your new email address'
  const intro = `The account ${username} asked to use this address. Open this link and press the button to confirm (it works for ${minutes(ttlSeconds)}):`
  const text = [intro, link, '', `Or type this code: ${code}`, '', 'If you did not ask for this, ignore this message: nothing changes.'].join('\n')
  const html = htmlDocument(subject, [escapeHtml(intro), ...linkAndCodeHtml(link, code), 'If you did not ask for this, ignore this message: nothing changes.'])
  return { subject, text, html }
}

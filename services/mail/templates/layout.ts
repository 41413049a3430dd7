/**
 * Shared pieces of the mail templates. Every value put into HTML goes through escapeHtml: a
 * username or an address is user input.
 */
export interface RenderedMail { subject: string, text: string, html: string }

export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)
}

/** A plain HTML document around already-escaped paragraphs. */
export function htmlDocument (title: string, paragraphs: string[]): string {
  const body = paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('\n')
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family: sans-serif; line-height: 1.5">\n${body}\n</body></html>\n`
}

/** The link as a button-like anchor, and the code set apart to be typed. */
export function linkAndCodeHtml (link: string, code: string): string[] {
  return [
    `<a href="${escapeHtml(link)}" style="font-weight: bold">${escapeHtml(link)}</a>`,
    `Or type this code: <strong style="font-size: 1.3em; letter-spacing: 0.15em">${escapeHtml(code)}</strong>`
  ]
}

export const minutes = (seconds: number) => seconds >= 7200 ? `${Math.round(seconds / 3600)} hours` : `${Math.round(seconds / 60)} minutes`

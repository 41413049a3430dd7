/**
 * The messages the server sends, one module each: edit the wording here. Each returns the
 * subject and both bodies; values in HTML are escaped (layout.ts). Links point at
 * `${PUBLIC_URL}/account/#action=…&token=…`: the token rides in the fragment, which browsers
 * never send to a server, and the page asks for a click before it POSTs the token.
 */
export { verifyEmail } from './verify-email.js'
export { passwordReset } from './password-reset.js'
export { passwordChanged } from './password-changed.js'
export { emailChangeConfirm } from './email-change-confirm.js'
export { emailChangeNotice } from './email-change-notice.js'
export type { RenderedMail } from './layout.js'

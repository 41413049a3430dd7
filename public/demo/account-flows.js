// The demo page's account-by-email steps: verify an address, forgot password, reset
// with the code, change the address. Each step is one exchange in the page's log (demo.js), so
// what was sent and what came back stay visible. Codes come from the mail (or, without SMTP_URL,
// from the server's log): the page never sees a message itself.

import { $, bearer, credentials, exchange, showResult } from './demo.js'

/** `{ email }` when the value looks like an address, else `{ username }`: the API takes either. */
function account (value) {
  const trimmed = value.trim()
  return trimmed.includes('@') ? { email: trimmed } : { username: trimmed }
}

/** Who the steps are about by default: the Email field above, else the Username field. */
function defaultAccount () {
  const email = $('email').value.trim()
  return email !== '' ? { email } : { username: credentials().username }
}

function required (step, value, what) {
  if (value.trim() !== '') return true
  showResult(step, `type ${what} first`, 'error')
  return false
}

const flows = {
  async 'verify-request' () {
    await exchange('verify-request', 'POST', '/auth/email/verify/request', { body: defaultAccount() })
  },
  async 'verify-code' () {
    const code = $('verify-code').value
    if (!required('verify-code', code, 'the code')) return
    await exchange('verify-code', 'POST', '/auth/email/verify', { body: { ...defaultAccount(), code: code.trim() } })
  },
  async forgot () {
    const typed = $('forgot-account').value
    await exchange('forgot', 'POST', '/auth/password/forgot', { body: typed.trim() === '' ? defaultAccount() : account(typed) })
  },
  async 'reset-code' () {
    const code = $('reset-code').value
    const newPassword = $('reset-new-password').value
    if (!required('reset-code', code, 'the code') || !required('reset-code', newPassword, 'a new password')) return
    const typed = $('forgot-account').value
    const who = typed.trim() === '' ? defaultAccount() : account(typed)
    const reply = await exchange('reset-code', 'POST', '/auth/password/reset', { body: { ...who, code: code.trim(), new_password: newPassword } })
    // The old password is gone: the Log in step should use the new one.
    if (reply !== null && reply.status >= 200 && reply.status < 300) $('password').value = newPassword
  },
  async 'change-request' () {
    const newEmail = $('change-new-email').value
    if (!required('change-request', newEmail, 'the new address')) return
    await exchange('change-request', 'POST', '/auth/email/change', { headers: bearer(), body: { new_email: newEmail.trim(), current_password: credentials().password } })
  },
  async 'change-code' () {
    const code = $('change-code').value
    if (!required('change-code', code, 'the code')) return
    const reply = await exchange('change-code', 'POST', '/auth/email/change/confirm', { headers: bearer(), body: { code: code.trim() } })
    // The account's address is the new one now: the next steps use it.
    if (reply !== null && reply.status === 200 && typeof reply.body?.email === 'string') $('email').value = reply.body.email
  }
}

for (const [name, run] of Object.entries(flows)) {
  $(`btn-${name}`).addEventListener('click', () => { run() })
}
document.body.dataset.accountFlows = 'ready'

// The demo's second factors: TOTP with recovery codes, the password login's mfa_required answer,
// and passkeys (register, usernameless login, list, delete). Plain browser JavaScript on top of
// demo.js: the same log, result badges and tokens.

import { $, bearer, credentials, exchange, keepPair, loginHooks, showResult, state } from './demo.js'
import { authenticationJson, creationOptions, registrationJson, requestOptions } from './passkey-json.js'

/** The password login waiting for its second factor (from its mfa_required answer). */
const pending = { mfaToken: null, methods: [] }

function item (text, className) {
  const li = document.createElement('li')
  if (className) li.className = className
  li.textContent = text
  return li
}

function renderPending () {
  $('mfa-pending').textContent = pending.mfaToken === null
    ? 'No login is waiting: log in with the password first (step 2).'
    : `A login waits for a second factor: ${pending.methods.join(', ')}. It expires in 5 minutes.`
}

loginHooks.mfaRequired = (body) => {
  pending.mfaToken = body.mfa_token
  pending.methods = Array.isArray(body.methods) ? body.methods : []
  renderPending()
  $('mfa-section').scrollIntoView({ block: 'nearest' })
}

/** A pair that completes the waiting login. */
function loggedIn (reply) {
  if (reply?.status !== 200) return
  keepPair(reply.body)
  pending.mfaToken = null
  renderPending()
}

/** The browser's own WebAuthn ceremony; a refusal (cancelled, no authenticator) shows on the step. */
async function ceremony (step, run) {
  try {
    return await run()
  } catch (error) {
    showResult(step, `browser: ${error.name}: ${error.message}`, 'error')
    return null
  }
}

/** Options, the authenticator, then the verify route: one passkey assertion. */
async function passkeyAssertion (step, extraBody = {}) {
  const options = await exchange(step, 'POST', '/auth/passkeys/login/options')
  if (options?.status !== 200) return null
  const credential = await ceremony(step, () => navigator.credentials.get({ publicKey: requestOptions(options.body.options) }))
  if (credential === null) return null
  return exchange(step, 'POST', '/auth/passkeys/login/verify', { body: { challenge_id: options.body.challenge_id, response: authenticationJson(credential), ...extraBody } })
}

function renderPasskeys (passkeys) {
  const list = $('passkey-list')
  list.replaceChildren()
  if (passkeys.length === 0) list.append(item('No passkey yet.', 'muted'))
  for (const passkey of passkeys) {
    const li = item(`${passkey.name} · created ${passkey.created_at} · last used ${passkey.last_used_at ?? 'never'}${passkey.backed_up ? ' · synced' : ''} `, 'passkey')
    li.dataset.id = passkey.id
    const remove = document.createElement('button')
    remove.type = 'button'
    remove.className = 'secondary passkey-delete'
    remove.textContent = 'Delete'
    remove.addEventListener('click', () => { deletePasskey(passkey.id) })
    li.append(remove)
    list.append(li)
  }
}

async function listPasskeys () {
  const reply = await exchange('passkey-list', 'GET', '/auth/passkeys', { headers: bearer() })
  if (reply?.status === 200) renderPasskeys(reply.body.passkeys)
}

async function deletePasskey (id) {
  // Needs an aal2 session: a 403 mfa_required here is the server's answer to a password-only token.
  const reply = await exchange('passkey-list', 'DELETE', `/auth/passkeys/${encodeURIComponent(id)}`, { headers: bearer() })
  if (reply?.status === 204) await listPasskeys()
}

const steps = {
  async 'totp-enroll' () {
    const reply = await exchange('totp-enroll', 'POST', '/auth/mfa/totp/enroll', { headers: bearer(), body: { current_password: credentials().password } })
    if (reply?.status !== 200) return
    $('totp-qr').src = reply.body.qr_svg_data_url
    $('totp-qr').hidden = false
    $('totp-secret').textContent = reply.body.secret
  },
  async 'totp-confirm' () {
    const reply = await exchange('totp-confirm', 'POST', '/auth/mfa/totp/confirm', { headers: bearer(), body: { code: $('totp-code').value.trim() } })
    if (reply?.status !== 200) return
    // The session stepped up: a new access token, the same refresh token.
    keepPair({ ...reply.body, refresh_token: state.refreshToken })
    $('recovery-codes').replaceChildren(...reply.body.recovery_codes.map((code) => item(code)))
  },
  async 'mfa-code' () {
    if (pending.mfaToken === null) return showResult('mfa-code', 'no login is waiting', 'error')
    loggedIn(await exchange('mfa-code', 'POST', '/auth/mfa/verify', { body: { mfa_token: pending.mfaToken, code: $('mfa-totp-code').value.trim() } }))
  },
  async 'mfa-recovery' () {
    if (pending.mfaToken === null) return showResult('mfa-recovery', 'no login is waiting', 'error')
    loggedIn(await exchange('mfa-recovery', 'POST', '/auth/mfa/verify', { body: { mfa_token: pending.mfaToken, recovery_code: $('mfa-recovery-code').value.trim() } }))
  },
  async 'mfa-passkey' () {
    if (pending.mfaToken === null) return showResult('mfa-passkey', 'no login is waiting', 'error')
    loggedIn(await passkeyAssertion('mfa-passkey', { mfa_token: pending.mfaToken }))
  },
  async 'passkey-register' () {
    const options = await exchange('passkey-register', 'POST', '/auth/passkeys/register/options', { headers: bearer(), body: { password: credentials().password } })
    if (options?.status !== 200) return
    const credential = await ceremony('passkey-register', () => navigator.credentials.create({ publicKey: creationOptions(options.body.options) }))
    if (credential === null) return
    const name = $('passkey-name').value.trim()
    const body = { challenge_id: options.body.challenge_id, response: registrationJson(credential), ...(name === '' ? {} : { name }) }
    const reply = await exchange('passkey-register', 'POST', '/auth/passkeys/register/verify', { headers: bearer(), body })
    if (reply?.status !== 201) return
    // The account's first factor comes with recovery codes, shown once.
    if (reply.body.recovery_codes !== undefined) $('recovery-codes').replaceChildren(...reply.body.recovery_codes.map((code) => item(code)))
    await listPasskeys()
  },
  async 'passkey-login' () {
    const reply = await passkeyAssertion('passkey-login')
    if (reply?.status === 200) keepPair(reply.body)
  },
  'passkey-list': listPasskeys
}

for (const [name, run] of Object.entries(steps)) $(`btn-${name}`).addEventListener('click', () => { run() })
if (typeof window.PublicKeyCredential !== 'function') $('passkey-support').textContent = 'This browser offers no WebAuthn here (it needs https:// or http://localhost).'
renderPending()
document.body.dataset.mfaReady = 'true'

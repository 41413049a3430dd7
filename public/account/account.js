// The account page that links in mail open: /account/#action=<verify|reset|change>&token=<token>.
// Plain browser JavaScript, no build step, no dependency. Opening the page spends nothing: the
// token is read from the URL fragment (never sent to a server) and used only by a POST after
// the user presses a button, so a mail scanner that fetches the link cannot burn it.

const $ = (id) => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from the page`)
  return element
}

/** The API next to this page: /account/ -> /auth/..., also under a path prefix (/x/account/ -> /x/auth/...). */
const api = (path) => new URL(`../${path}`, new URL('./', window.location.href)).href

/**
 * The action and token from the fragment, which is then removed from the address bar and from
 * this history entry: the token must not linger where the back button or a shared screen shows it.
 */
function takeLink () {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname)
  const action = params.get('action')
  const token = params.get('token')
  return { action, token: token === null || token === '' ? null : token }
}

async function post (path, body) {
  try {
    const response = await fetch(api(path), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    })
    let parsed = {}
    try { parsed = await response.json() } catch { parsed = {} }
    return { status: response.status, body: parsed, retryAfter: response.headers.get('retry-after') }
  } catch {
    return { status: 0, body: {}, retryAfter: null }
  }
}

/** Shows the outcome in the live region and moves focus there, so screen readers read it. */
function say (kind, text) {
  const message = $('message')
  message.textContent = text
  message.className = `message ${kind}`
  message.dataset.kind = kind
  message.hidden = false
  message.focus()
}

/** What to tell the user about a refusal: the server's own words where they help (password policy). */
function explain (reply) {
  const { status, body } = reply
  if (status === 0) return 'The server could not be reached. Check your connection and try again.'
  if (body.code === 'invalid_or_expired_token') return 'This link or code has expired or was already used. Ask for a new message and use the newest one.'
  if (status === 429) return `Too many tries. Wait ${reply.retryAfter === null ? 'a minute' : `${reply.retryAfter} seconds`} and try again.`
  if (typeof body.message === 'string' && body.message !== '') return body.message
  return `The server refused this (${status}).`
}

/** Runs one POST with its button disabled (a double click must not send it twice). */
async function submit (button, path, body) {
  button.disabled = true
  $('message').hidden = true
  try {
    return await post(path, body)
  } finally {
    button.disabled = false
  }
}

function passwordsDiffer (password, repeat) {
  if (password.value.length < 8) return 'The new password needs at least 8 characters.'
  if (password.value !== repeat.value) return 'The two passwords differ. Type the same one twice.'
  return null
}

const done = {
  verify: (body) => typeof body.email === 'string' ? `Your email address ${body.email} is confirmed.` : 'Your email address is confirmed.',
  reset: () => 'Your password is changed. Every session of your account was signed out: log in with the new password.',
  change: (body) => `Your account now uses ${typeof body.email === 'string' ? body.email : 'the new address'}.`
}

/** One action from a link: its section, and what its button sends. */
function offer (action, token) {
  const section = $(action)
  section.hidden = false
  const finish = (reply) => {
    if (reply.status === 200 || reply.status === 204) {
      section.hidden = true
      say('ok', done[action](reply.body))
      return
    }
    // A dead token stays dead: offer the code form instead of a button that cannot work.
    if (reply.body.code === 'invalid_or_expired_token') section.hidden = true
    say('error', explain(reply))
  }
  if (action === 'verify' || action === 'change') {
    const button = $(`${action}-confirm`)
    const path = action === 'verify' ? 'auth/email/verify' : 'auth/email/change/confirm'
    button.addEventListener('click', async () => { finish(await submit(button, path, { token })) })
    button.focus()
    return
  }
  const password = $('reset-password')
  const repeat = $('reset-repeat')
  $('reset-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const problem = passwordsDiffer(password, repeat)
    if (problem !== null) {
      say('error', problem)
      password.focus()
      return
    }
    const reply = await submit($('reset-submit'), 'auth/password/reset', { token, new_password: password.value })
    finish(reply)
    if (reply.status !== 200 && reply.status !== 204 && !section.hidden) password.focus()
  })
  password.focus()
}

/** The code path: the user types the code (and who they are) instead of following the link. */
function offerCode () {
  const form = $('code-form')
  const passwordFields = $('code-password-fields')
  const purpose = () => form.elements.namedItem('purpose').value
  form.addEventListener('change', () => { passwordFields.hidden = purpose() !== 'reset' })
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const account = $('code-account').value.trim()
    const code = $('code-value').value.trim()
    if (account === '' || code === '') {
      say('error', 'Type the email address or username of your account, and the code.')
      return
    }
    const who = account.includes('@') ? { email: account } : { username: account }
    const chosen = purpose()
    let reply
    if (chosen === 'reset') {
      const problem = passwordsDiffer($('code-password'), $('code-repeat'))
      if (problem !== null) return say('error', problem)
      reply = await submit($('code-submit'), 'auth/password/reset', { ...who, code, new_password: $('code-password').value })
    } else {
      reply = await submit($('code-submit'), 'auth/email/verify', { ...who, code })
    }
    if (reply.status === 200 || reply.status === 204) {
      form.reset()
      passwordFields.hidden = true
      say('ok', done[chosen](reply.body))
    } else {
      say('error', explain(reply))
    }
  })
}

function start () {
  const { action, token } = takeLink()
  offerCode()
  if (action !== null && Object.hasOwn(done, action) && token !== null) {
    document.body.dataset.action = action
    offer(action, token)
  } else if (action !== null || token !== null) {
    say('error', 'This link is incomplete. Open it again from the message, or type the code below.')
  }
  document.body.dataset.ready = 'true'
}

start()

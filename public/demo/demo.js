// The demo page's script: plain browser JavaScript, no build step, no dependency.
// Tokens are kept in this module's memory only: never in web storage, never in a cookie.

const DEFAULT_PASSWORD = 'correct horse battery staple'
const SHOWN_RESPONSE_HEADERS = ['content-type', 'cache-control', 'www-authenticate', 'retry-after', 'location']
const STATUS_TEXT = { 200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' }

/** What the page knows: the current token pair and whether its session was ended. */
const state = { accessToken: null, refreshToken: null, sessionEnded: false, exchanges: 0 }

const $ = (id) => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} is missing from the page`)
  return element
}

/** Creates an element with a class and text (always as text: replies are never parsed as HTML). */
function el (tag, className, text) {
  const element = document.createElement(tag)
  if (className) element.className = className
  if (text !== undefined) element.textContent = text
  return element
}

/** "eyJhbGciOi…h1Q8c (312 chars)": enough to recognise a token without showing all of it. */
function shorten (value, head = 10, tail = 6) {
  if (typeof value !== 'string' || value.length <= head + tail + 8) return value
  return `${value.slice(0, head)}…${value.slice(-tail)} (${value.length} chars)`
}

function shortenAuthorization (value) {
  const [scheme, credentials = ''] = value.split(' ')
  return `${scheme} ${shorten(credentials, 8, 4)}`
}

/** A body as shown in the log: tokens shortened, passwords masked. */
function forDisplay (body) {
  return JSON.stringify(body, (key, value) => {
    if (typeof value !== 'string') return value
    if (/password/i.test(key)) return `•••••••• (${value.length} chars)`
    if (/token$/i.test(key)) return shorten(value)
    return value
  }, 2)
}

function apiBase () {
  const raw = $('api-base').value.trim() || window.location.origin
  const url = new URL(raw, window.location.href)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`API base URL must be http: or https:, not ${url.protocol}`)
  return url.href.replace(/\/+$/, '')
}

function base64urlDecode (part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

/** The JWT's header and payload, decoded only: the signature is NOT checked here. */
function decodeJwt (token) {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('not a compact JWT (three dot-separated parts)')
  return { header: JSON.parse(base64urlDecode(parts[0])), payload: JSON.parse(base64urlDecode(parts[1])) }
}

function basicCredentials (username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`)
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''))
}

function setBusy (busy) {
  for (const button of document.querySelectorAll('.steps button')) button.disabled = busy
  document.body.classList.toggle('busy', busy)
}

function showResult (name, text, kind) {
  const output = $(`result-${name}`)
  output.textContent = text
  output.className = `result ${kind}`
}

function statusLine (status, statusText) {
  return `${status} ${statusText || STATUS_TEXT[status] || ''}`.trim()
}

/**
 * One HTTP exchange: sends it, records it in the log and shows its status next to the step's
 * button. Resolves with the status and parsed body, or null when no reply came back.
 */
async function exchange (step, method, path, { headers = {}, body } = {}) {
  let url
  try {
    url = `${apiBase()}${path}`
  } catch (error) {
    showResult(step, error.message, 'error')
    return null
  }
  const sent = { accept: 'application/json', ...headers }
  const init = { method, headers: sent, credentials: 'omit', cache: 'no-store' }
  if (body !== undefined) {
    sent['content-type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  const entry = { method, url, headers: sent, body }
  setBusy(true)
  showResult(step, '…', 'pending')
  const started = performance.now()
  try {
    const response = await fetch(url, init)
    const text = await response.text()
    let parsed = text
    try {
      if (text !== '') parsed = JSON.parse(text)
    } catch {}
    const shownHeaders = {}
    for (const name of SHOWN_RESPONSE_HEADERS) {
      const value = response.headers.get(name)
      if (value !== null) shownHeaders[name] = value
    }
    const line = statusLine(response.status, response.statusText)
    logExchange({ ...entry, ms: performance.now() - started, status: response.status, statusLine: line, responseHeaders: shownHeaders, responseBody: parsed })
    showResult(step, line, response.ok ? 'ok' : 'error')
    return { status: response.status, body: parsed }
  } catch (error) {
    const origin = window.location.origin
    const message = `No response (${error.message}). The server is unreachable, or it refused this page's origin ${origin} (CORS): if it sets CORS_ORIGINS, that list must include ${origin}.`
    logExchange({ ...entry, ms: performance.now() - started, status: 0, statusLine: 'network error', responseHeaders: {}, responseBody: message })
    showResult(step, 'network error', 'error')
    return null
  } finally {
    setBusy(false)
  }
}

function logExchange (x) {
  state.exchanges += 1
  const item = el('li', `exchange ${x.status >= 200 && x.status < 300 ? 'ok' : 'error'}`)
  item.dataset.seq = String(state.exchanges)
  item.dataset.status = String(x.status)
  item.dataset.method = x.method
  item.dataset.path = new URL(x.url).pathname

  const head = el('div', 'exchange-head')
  head.append(el('span', 'seq', `#${state.exchanges}`), el('span', 'method', x.method), el('span', 'url', x.url),
    el('span', `status ${x.status >= 200 && x.status < 300 ? 'ok' : 'error'}`, x.statusLine), el('span', 'ms', `${Math.round(x.ms)} ms`))

  const request = el('div', 'half')
  request.append(el('h4', '', 'Request headers'))
  const headerLines = Object.entries(x.headers).map(([name, value]) => `${name}: ${name === 'authorization' ? shortenAuthorization(value) : value}`)
  request.append(el('pre', 'request-headers', headerLines.join('\n')))
  if (x.body === undefined) {
    request.append(el('h4', '', 'No request body'))
  } else {
    request.append(el('h4', '', 'Request body'))
    request.append(el('pre', 'request-body', forDisplay(x.body)))
  }

  const response = el('div', 'half')
  response.append(el('h4', '', `Response: ${x.statusLine}`))
  const responseHeaderLines = Object.entries(x.responseHeaders).map(([name, value]) => `${name}: ${value}`)
  if (responseHeaderLines.length > 0) response.append(el('pre', 'response-headers', responseHeaderLines.join('\n')))
  response.append(el('h4', '', 'Response body'))
  const shownBody = x.responseBody === '' ? '(empty)' : typeof x.responseBody === 'string' ? x.responseBody : forDisplay(x.responseBody)
  response.append(el('pre', 'response-body', shownBody))

  const details = el('div', 'exchange-details')
  details.append(request, response)
  item.append(head, details)
  $('log').prepend(item)
  $('log-empty').hidden = true
}

/** A JSON object with one claim per line (still valid JSON): compact and easy to scan. */
function claimLines (object) {
  const lines = Object.entries(object).map(([name, value]) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)}`)
  return `{\n${lines.join(',\n')}\n}`
}

function renderTokens () {
  $('access-token').textContent = state.accessToken === null ? 'none' : shorten(state.accessToken, 16, 8)
  $('refresh-token').textContent = state.refreshToken === null ? 'none' : shorten(state.refreshToken, 8, 4)
  const session = $('session-state')
  session.className = state.accessToken === null ? '' : state.sessionEnded ? 'ended' : 'active'
  session.textContent = state.accessToken === null
    ? 'not logged in'
    : state.sessionEnded ? 'ended: the server refuses these tokens now' : 'active'

  const times = $('claims-times')
  times.replaceChildren()
  if (state.accessToken === null) {
    $('claims-header').textContent = 'none'
    $('claims-payload').textContent = 'none'
    return
  }
  try {
    const { header, payload } = decodeJwt(state.accessToken)
    $('claims-header').textContent = claimLines(header)
    $('claims-payload').textContent = claimLines(payload)
    for (const claim of ['iat', 'exp']) {
      if (typeof payload[claim] !== 'number') continue
      const label = claim === 'iat' ? 'issued (iat)' : 'expires (exp)'
      times.append(el('dt', '', label), el('dd', '', new Date(payload[claim] * 1000).toISOString()))
    }
  } catch (error) {
    $('claims-header').textContent = `cannot decode: ${error.message}`
    $('claims-payload').textContent = ''
  }
}

function keepPair (body) {
  if (typeof body !== 'object' || body === null || typeof body.access_token !== 'string') return
  state.accessToken = body.access_token
  state.refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : null
  state.sessionEnded = false
  renderTokens()
}

function bearer () {
  return state.accessToken === null ? {} : { authorization: `Bearer ${state.accessToken}` }
}

const credentials = () => ({ username: $('username').value.trim(), password: $('password').value })

/** What other scripts of the page add to a step: mfa.js takes over a login that answers mfa_required. */
export const loginHooks = { mfaRequired: null }

const steps = {
  async register () {
    // The email is optional: with one, the server sends a verification message (account-flows.js).
    const email = $('email').value.trim()
    await exchange('register', 'POST', '/auth/register', { body: email === '' ? credentials() : { ...credentials(), email } })
  },
  async login () {
    const { username, password } = credentials()
    const reply = await exchange('login', 'POST', '/auth/login', { headers: { authorization: `Basic ${basicCredentials(username, password)}` } })
    if (reply?.status === 200) keepPair(reply.body)
    else if (reply?.status === 401 && reply.body?.code === 'mfa_required') loginHooks.mfaRequired?.(reply.body)
  },
  async hello () {
    await exchange('hello', 'GET', '/protected/hello', { headers: bearer() })
  },
  async echo () {
    await exchange('echo', 'POST', '/protected/echo', { headers: bearer(), body: { message: $('echo-message').value } })
  },
  async me () {
    await exchange('me', 'GET', '/auth/me', { headers: bearer() })
  },
  async refresh () {
    if (state.refreshToken === null) return showResult('refresh', 'log in first: no refresh token', 'error')
    const reply = await exchange('refresh', 'POST', '/auth/refresh', { body: { refresh_token: state.refreshToken } })
    if (reply?.status === 200) keepPair(reply.body)
  },
  async logout () {
    const reply = await exchange('logout', 'POST', '/auth/logout', { headers: bearer() })
    if (reply?.status === 204) {
      state.sessionEnded = true
      renderTokens()
    }
  },
  async 'logout-all' () {
    const reply = await exchange('logout-all', 'POST', '/auth/logout-all', { headers: bearer() })
    if (reply?.status === 204) {
      state.sessionEnded = true
      renderTokens()
    }
  }
}

function start () {
  $('api-base').value = window.location.origin
  $('page-origin').textContent = window.location.origin
  $('username').value = `demo_${Math.random().toString(36).slice(2, 8)}`
  $('password').value = DEFAULT_PASSWORD
  for (const [name, run] of Object.entries(steps)) {
    $(`btn-${name}`).addEventListener('click', () => { run() })
  }
  $('btn-clear-log').addEventListener('click', () => {
    $('log').replaceChildren()
    $('log-empty').hidden = false
  })
  renderTokens()
  document.body.dataset.ready = 'true'
}

start()

// For the page's other scripts (account-flows.js): the same log, result badges and tokens.
export { $, bearer, credentials, exchange, keepPair, showResult }
// For mfa.js: the current pair (a TOTP confirmation or step-up replaces the access token only).
export { state }

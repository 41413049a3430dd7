import t from 'tap'
import { redactUrl } from '../../services/log-redaction.js'
import { build } from '../helper.js'

const SENSITIVE = ['access_token', 'refresh_token', 'id_token', 'token', 'password', 'client_secret', 'code']

t.test('logs - a token or password in the query string never reaches a log line', async (t) => {
  const logLines: string[] = []
  const app = await build(t, { logLines })
  const secrets: string[] = []
  for (const [index, name] of SENSITIVE.entries()) {
    const secret = `s3cret-${name}-${index}-value`
    secrets.push(secret)
    await app.inject(`/health?${name}=${secret}&keep=visible${index}`)
    // The same names written differently: upper case, percent-encoded, behind another parameter.
    const upper = `${secret}-upper`
    const encoded = `${secret}-encoded`
    secrets.push(upper, encoded)
    await app.inject(`/nope?a=1&${name.toUpperCase()}=${upper}`)
    await app.inject(`/auth/me?${encodeURIComponent(name).replace(/^./, (first) => `%${first.charCodeAt(0).toString(16)}`)}=${encoded}`)
  }
  const log = logLines.join('')
  t.match(log, /"url":"\/health\?access_token=\[redacted\]&keep=visible0"/, 'the rest of the URL is still logged')
  for (const secret of secrets) t.notOk(log.includes(secret), `not logged: ${secret}`)
})

t.test('redactUrl - only the values of sensitive parameters change', async (t) => {
  t.equal(redactUrl('/a/b'), '/a/b')
  t.equal(redactUrl('/a?x=1&token=abc&y=2'), '/a?x=1&token=[redacted]&y=2')
  t.equal(redactUrl('/a?password'), '/a?password=[redacted]')
  t.equal(redactUrl('/a?Client_Secret=zz&codex=1'), '/a?Client_Secret=[redacted]&codex=1', 'whole names only')
  t.equal(redactUrl('/a?%ZZ=1&code=2'), '/a?%ZZ=1&code=[redacted]', 'a malformed name is kept as it is')
})

import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildDist, PROJECT_ROOT, SERVER_CWD, startServer } from './server-process.js'

// The README's examples, run as a reader would paste them: the walk-through against a real
// server process, the jose scripts against its default issuer, audience and local secret.
const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
const run = promisify(execFile)

t.before(buildDist)

/** The code blocks of a README section, in order. */
function blocks (heading: string, language: string): string[] {
  const start = README.indexOf(`${heading}\n`)
  if (start === -1) throw new Error(`README has no "${heading}" section`)
  const level = /^#+/.exec(heading)?.[0] ?? '##'
  const next = README.slice(start + heading.length).search(new RegExp(`\\n#{2,${level.length}} `))
  const section = README.slice(start, next === -1 ? undefined : start + heading.length + next)
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1] as string)
}

async function login (url: string, username: string): Promise<string> {
  const json = { 'content-type': 'application/json' }
  const password = 'a readme test passphrase'
  await fetch(`${url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) })
  const pair = await (await fetch(`${url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) })).json() as { access_token: string }
  return pair.access_token
}

/** Writes a README script next to the project's node_modules (so `jose` resolves) and runs it. */
async function runScript (dir: string, code: string, token: string, cwd: string): Promise<Record<string, unknown>> {
  const file = join(dir, 'verify.mjs')
  writeFileSync(file, code.replace('console.log(payload)', 'console.log(JSON.stringify(payload))'))
  const { stdout } = await run(process.execPath, [file, token], { cwd, env: { PATH: process.env.PATH ?? '' } })
  return JSON.parse(stdout) as Record<string, unknown>
}

t.test('README walk-through - every command works against the real server as pasted', async (t) => {
  const server = await startServer()
  t.teardown(() => server.stop('SIGKILL'))
  const [walkThrough] = blocks('## Walk-through with curl', 'sh')
  t.match(walkThrough, /^BASE=http:\/\/127\.0\.0\.1:3000$/m)
  const { stdout } = await run('bash', ['-e', '-c', (walkThrough as string).replace('BASE=http://127.0.0.1:3000', `BASE=${server.url}`)])
  const lines = stdout.trim().split('\n')
  t.match(lines[0], /^\{"id":"[^"]+","username":"alice","email":"alice@example\.com"\}$/, 'registered')
  t.match(lines[1], /^\{"access_token":"eyJ[^"]+","token_type":"Bearer","expires_in":900,"refresh_token":"[^"]+"\}$/, 'logged in')
  t.match(lines[2], /"message"/, 'GET /protected/hello')
  t.match(lines[3], /"message":"hi"/, 'POST /protected/echo')
  t.match(lines[4], /"username":"alice"/, 'GET /auth/me')
  t.equal(lines[5], '204', 'logged out with the refreshed token')
  t.match(lines[6], /"statusCode":401/, 'refused after logout')
})

t.test('README jose examples - verify a token with the server\'s defaults as copied', async (t) => {
  const [hs256, jwks] = blocks('#### Verify our tokens in your service', 'js')
  const scripts = t.testdir()
  const server = await startServer()
  t.teardown(() => server.stop('SIGKILL'))
  const token = await login(server.url, 'jose_hs256')
  // Run from the server's folder: the script reads data/jwt-secret, which the server made.
  const payload = await runScript(scripts, hs256 as string, token, SERVER_CWD)
  t.match(payload, { iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server', typ: 'access', sub: String })

  const keyDir = join(SERVER_CWD, 'keys')
  mkdirSync(keyDir, { mode: 0o700 })
  writeFileSync(join(keyDir, 'signing.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))
  const eddsa = await startServer({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEYS: keyDir })
  t.teardown(() => eddsa.stop('SIGKILL'))
  const signed = await login(eddsa.url, 'jose_eddsa')
  t.match(jwks, /new URL\('http:\/\/127\.0\.0\.1:3000\/\.well-known\/jwks\.json'\)/)
  const remote = await runScript(scripts, (jwks as string).replace('http://127.0.0.1:3000', eddsa.url), signed, SERVER_CWD)
  t.match(remote, { iss: 'fastify-jwt-auth-server', aud: 'fastify-jwt-auth-server', sub: String })
})

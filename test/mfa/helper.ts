import type { FastifyInstance } from 'fastify'
import { totpCode } from '../../services/mfa/totp.js'
import { bearer, build, PASSWORD, register, type BuildOptions } from '../helper.js'

/**
 * The second-factor tests build on memory:// unless MFA_TEST_STORAGE_URL names another store
 * (e.g. MFA_TEST_STORAGE_URL=postgres://postgres@127.0.0.1:5432/test): every user is new, so one
 * database serves every test.
 */
export const STORAGE_URL = process.env.MFA_TEST_STORAGE_URL ?? 'memory://'

/** A clock the test moves: 30 s is one TOTP step. */
export function testClock (start = Date.parse('2026-12-06T12:00:10Z')) {
  let at = start
  return { now: () => at, advance (ms: number) { at += ms }, set (ms: number) { at = ms } }
}

export const STEP_MS = 30_000

type Teardown = Parameters<typeof build>[0]

export async function buildMfaApp (t: Teardown, clock = testClock(), options: BuildOptions = {}) {
  const app = await build(t, { ...options, now: clock.now, env: { STORAGE_URL, ...options.env } })
  return { app, clock }
}

export async function passwordLogin (app: FastifyInstance, username: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
}

export interface TotpUser { id: string, username: string, secret: string, recoveryCodes: string[], accessToken: string }

/**
 * A registered user with a confirmed authenticator app, through the routes: login, enrol, confirm
 * (which uses the code of the current step: the next code the test types must come from a later step).
 */
export async function userWithTotp (app: FastifyInstance, now: () => number, existing?: { id: string, username: string }): Promise<TotpUser> {
  const user = existing ?? await register(app)
  const login = await passwordLogin(app, user.username)
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`)
  const { access_token: accessToken } = login.json() as { access_token: string }
  const enrolled = await app.inject({ method: 'POST', url: '/auth/mfa/totp/enroll', headers: bearer(accessToken), payload: { current_password: PASSWORD } })
  if (enrolled.statusCode !== 200) throw new Error(`enrol failed: ${enrolled.body}`)
  const { secret } = enrolled.json() as { secret: string }
  const confirmed = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(accessToken), payload: { code: totpCode(secret, now()) } })
  if (confirmed.statusCode !== 200) throw new Error(`confirm failed: ${confirmed.body}`)
  const body = confirmed.json() as { recovery_codes: string[], access_token: string }
  return { id: user.id, username: user.username, secret, recoveryCodes: body.recovery_codes, accessToken: body.access_token }
}

/** Password login that must answer mfa_required; returns the mfa_token. */
export async function mfaToken (app: FastifyInstance, username: string): Promise<string> {
  const res = await passwordLogin(app, username)
  if (res.statusCode !== 401) throw new Error(`expected mfa_required: ${res.statusCode} ${res.body}`)
  return (res.json() as { mfa_token: string }).mfa_token
}

export function claimsOf (accessToken: string): { amr?: string[], acr?: string, sid: string } {
  const payload = accessToken.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { amr?: string[], acr?: string, sid: string }
}

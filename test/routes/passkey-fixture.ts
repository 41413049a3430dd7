import type { FastifyInstance } from 'fastify'
import { bearer, build, registerAndLogin } from '../helper.js'
import { softAuthenticator } from './soft-authenticator.js'

/** The origin the default configuration allows: HOST 127.0.0.1 and PORT 3000 give http://localhost:3000. */
export const ORIGIN = 'http://localhost:3000'

interface Teardown { teardown (fn: () => unknown): void }

export interface RegistrationOptionsJson { challenge: string, rp: { id: string }, user: { id: string }, excludeCredentials: Array<{ id: string }> }
export interface RequestOptionsJson { challenge: string, rpId: string, allowCredentials: unknown[] }

export const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string, amr: string[], acr: string }

/** An app on a movable clock, a logged-in user and a software authenticator at the allowed origin. */
export async function passkeySetup (t: Teardown, options: { userVerified?: boolean, env?: Record<string, string>, logLines?: string[] } = {}) {
  const clock = { now: Date.parse('2026-12-06T21:00:00Z') }
  const app: FastifyInstance = await build(t, {
    now: () => clock.now,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.logLines === undefined ? {} : { logLines: options.logLines })
  })
  const user = await registerAndLogin(app)
  const authenticator = softAuthenticator({ origin: ORIGIN, userVerified: options.userVerified ?? true })

  async function registrationOptions (token = user.access_token, body: Record<string, unknown> = { password: user.password }) {
    const res = await app.inject({ method: 'POST', url: '/auth/passkeys/register/options', headers: bearer(token), payload: body })
    return { res, ...(res.json() as { challenge_id: string, options: RegistrationOptionsJson }) }
  }

  function registerVerify (challengeId: string, response: unknown, token = user.access_token) {
    return app.inject({ method: 'POST', url: '/auth/passkeys/register/verify', headers: bearer(token), payload: { challenge_id: challengeId, response, name: 'Soft key' } })
  }

  async function loginOptions () {
    const res = await app.inject({ method: 'POST', url: '/auth/passkeys/login/options' })
    return res.json() as { challenge_id: string, options: RequestOptionsJson }
  }

  function loginVerify (challengeId: string, response: unknown) {
    return app.inject({ method: 'POST', url: '/auth/passkeys/login/verify', payload: { challenge_id: challengeId, response } })
  }

  /** Registers a passkey of the user through both routes; returns its id. */
  async function registerPasskey (): Promise<string> {
    const { challenge_id: challengeId, options } = await registrationOptions()
    const res = await registerVerify(challengeId, authenticator.create(options))
    if (res.statusCode !== 201) throw new Error(`passkey registration failed: ${res.statusCode} ${res.body}`)
    return (res.json() as { id: string }).id
  }

  /** A usernameless login with the authenticator's first passkey. */
  async function passkeyLogin (overrides: Parameters<typeof authenticator.get>[1] = {}) {
    const { challenge_id: challengeId, options } = await loginOptions()
    return loginVerify(challengeId, authenticator.get(options, overrides))
  }

  return { app, clock, user, authenticator, registrationOptions, registerVerify, loginOptions, loginVerify, registerPasskey, passkeyLogin }
}

import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server'
import type { AuditSink } from '../audit.js'
import type { AuthenticationMethod } from '../assurance.js'
import type { PasskeyRecord, Store, UserRecord } from '../storage/types.js'
import { AccountDisabledError } from '../users.js'
import { CHALLENGE_TTL_MS, type ChallengeStore } from './challenges.js'
import { PasskeyLoginError } from './errors.js'
import { userHandleOf } from './registration.js'
import type { WebAuthnSettings } from './settings.js'

export interface PasskeyLogin {
  user: UserRecord
  passkeyId: string
  /** The authenticator checked who holds it (PIN, biometrics): the passkey is two factors at once. */
  userVerified: boolean
  /** RFC 8176 methods: a hardware-bound key and a presence test, plus 'mfa' with user verification (aal2). */
  amr: AuthenticationMethod[]
}

export interface LoginDeps {
  store: Store
  settings: WebAuthnSettings
  challenges: ChallengeStore
  now: () => number
  audit: AuditSink
}

/** The sign counter rule: once either side is non-zero it must go up, or two devices hold the key. */
export const counterWentBackwards = (stored: number, received: number): boolean => (stored > 0 || received > 0) && received <= stored

export function createLogin ({ store, settings, challenges, now, audit }: LoginDeps) {
  /** Every refusal is the same error; `reason` goes to the audit only. */
  function refuse (reason: string, passkey: PasskeyRecord | null, ip: string | undefined): never {
    audit({ event: 'login_failure', reason, ip, ...(passkey === null ? {} : { userId: passkey.userId, passkeyId: passkey.id }) })
    throw new PasskeyLoginError()
  }

  async function checkSignature (passkey: PasskeyRecord, response: AuthenticationResponseJSON, expectedChallenge: string) {
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: settings.origins,
        expectedRPID: settings.rpId,
        // Counter 0 turns off the library's own counter check: ours below runs after the
        // signature is good, so only a real authenticator's counter can raise an anomaly.
        credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: 0, transports: passkey.transports as never },
        requireUserVerification: false
      })
      return result.verified ? result.authenticationInfo : null
    } catch {
      return null
    }
  }

  return {
    /** Request options for a usernameless login: no allowCredentials, the browser offers the passkeys it holds for this RP ID. */
    async options (): Promise<{ challengeId: string, options: PublicKeyCredentialRequestOptionsJSON }> {
      const { challengeId, challenge } = await challenges.issue('webauthn_login', null)
      const options = await generateAuthenticationOptions({ rpID: settings.rpId, challenge, timeout: CHALLENGE_TTL_MS, userVerification: 'preferred', allowCredentials: [] })
      return { challengeId, options }
    },

    /**
     * Verifies an assertion against a login challenge (consumed first: one verify per challenge,
     * whatever happens next), the passkey it names and the user handle it carries; records the
     * use with a compare-and-set on the counter, so of two uses racing with one counter value
     * only one logs in.
     *
     * `requireUserVerification`: a passkey alone opens a session only when its authenticator
     * verified the user (PIN, biometrics): possession alone is one factor, and would let anyone
     * holding an unlocked security key past an account that has a second factor. After a password
     * (an mfa_token) presence is enough: the passkey is then the second factor.
     */
    async verify (challengeId: string, response: AuthenticationResponseJSON, client: { ip?: string | undefined } = {}, { requireUserVerification = true } = {}): Promise<PasskeyLogin> {
      const expectedChallenge = await challenges.consume(challengeId, 'webauthn_login', null)
      const passkey = await store.findPasskey(response.id)
      if (passkey === null) return refuse('unknown_passkey', null, client.ip)
      const handle = response.response.userHandle
      if (handle === undefined || handle !== Buffer.from(userHandleOf(passkey.userId)).toString('base64url')) return refuse('passkey_user_mismatch', passkey, client.ip)
      const info = await checkSignature(passkey, response, expectedChallenge)
      if (info === null) return refuse('bad_passkey_signature', passkey, client.ip)
      if (counterWentBackwards(passkey.counter, info.newCounter)) {
        audit({ event: 'passkey_counter_anomaly', userId: passkey.userId, passkeyId: passkey.id, ip: client.ip, storedCounter: passkey.counter, receivedCounter: info.newCounter })
        return refuse('passkey_counter_anomaly', passkey, client.ip)
      }
      if (requireUserVerification && !info.userVerified) return refuse('passkey_user_not_verified', passkey, client.ip)
      const user = await store.findUserById(passkey.userId)
      if (user === null) return refuse('unknown_passkey', null, client.ip)
      if (user.disabledAt !== null) throw new AccountDisabledError()
      if (!await store.recordPasskeyUse(passkey.id, passkey.counter, info.newCounter, new Date(now()))) return refuse('passkey_use_raced', passkey, client.ip)
      const amr: AuthenticationMethod[] = info.userVerified ? ['hwk', 'user', 'mfa'] : ['hwk', 'user']
      audit({ event: 'passkey_login', userId: user.id, passkeyId: passkey.id, ip: client.ip })
      return { user, passkeyId: passkey.id, userVerified: info.userVerified, amr }
    }
  }
}

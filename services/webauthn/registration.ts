import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server'
import type { AuditSink } from '../audit.js'
import type { PasskeyRecord, Store, UserRecord } from '../storage/types.js'
import { CHALLENGE_TTL_MS, type ChallengeStore } from './challenges.js'
import { PasskeyLimitError, PasskeyRegistrationError } from './errors.js'
import type { WebAuthnSettings } from './settings.js'

/** Enough for a phone, a laptop, two security keys and spares; keeps the login list and the options small. */
export const MAX_PASSKEYS_PER_USER = 20

export interface RegistrationDeps {
  store: Store
  settings: WebAuthnSettings
  challenges: ChallengeStore
  now: () => number
  audit: AuditSink
}

/** The user handle the authenticator stores with the passkey and returns at login: the user id's bytes (no name, no email). */
export const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId, 'utf8'))

export function createRegistration ({ store, settings, challenges, now, audit }: RegistrationDeps) {
  return {
    /**
     * Creation options for the user's next passkey. Discoverable (residentKey required): the
     * passkey alone names its user, which is what makes the usernameless login possible. User
     * verification preferred: asked for wherever the authenticator can (a PIN, a fingerprint),
     * not refused where it cannot; the login then counts it (see login.ts).
     */
    async options (user: UserRecord): Promise<{ challengeId: string, options: PublicKeyCredentialCreationOptionsJSON }> {
      const existing = await store.listPasskeys(user.id)
      if (existing.length >= MAX_PASSKEYS_PER_USER) throw new PasskeyLimitError(MAX_PASSKEYS_PER_USER)
      const { challengeId, challenge } = await challenges.issue('webauthn_register', user.id)
      const options = await generateRegistrationOptions({
        rpName: settings.rpName,
        rpID: settings.rpId,
        userName: user.username,
        userDisplayName: user.username,
        userID: userHandleOf(user.id),
        challenge,
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        // The same authenticator twice is refused by the browser before it makes a second key.
        excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: passkey.transports as never })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' }
      })
      return { challengeId, options }
    },

    /** Verifies the authenticator's answer against the stored challenge, the RP ID and the allowed origins; stores the passkey. */
    async verify (user: UserRecord, challengeId: string, response: RegistrationResponseJSON, name: string | undefined): Promise<PasskeyRecord> {
      const expectedChallenge = await challenges.consume(challengeId, 'webauthn_register', user.id)
      let verified
      try {
        verified = await verifyRegistrationResponse({
          response,
          expectedChallenge,
          expectedOrigin: settings.origins,
          expectedRPID: settings.rpId,
          requireUserVerification: false
        })
      } catch (error) {
        throw new PasskeyRegistrationError((error as Error).message)
      }
      if (!verified.verified) throw new PasskeyRegistrationError('the attestation did not verify')
      const { credential, credentialBackedUp } = verified.registrationInfo
      const at = new Date(now())
      const passkey: PasskeyRecord = {
        id: credential.id,
        userId: user.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
        backedUp: credentialBackedUp,
        name: name?.trim() || `Passkey of ${at.toISOString().slice(0, 10)}`,
        createdAt: at,
        lastUsedAt: null
      }
      await store.createPasskey(passkey)
      audit({ event: 'passkey_registered', userId: user.id, passkeyId: passkey.id })
      return passkey
    }
  }
}

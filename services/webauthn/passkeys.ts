import type { AuditSink } from '../audit.js'
import { discardAudit } from '../audit.js'
import { createCurrentPasswordCheck } from '../current-password.js'
import { NotFoundError } from '../errors.js'
import type { LoginThrottle } from '../login-throttle.js'
import type { PasswordHasher } from '../password.js'
import type { PasskeyRecord, Store } from '../storage/types.js'
import { createChallengeStore } from './challenges.js'
import { ReauthenticationRequiredError } from './errors.js'
import { createLogin } from './login.js'
import { createRegistration } from './registration.js'
import type { WebAuthnSettings } from './settings.js'

export interface PasskeyServiceOptions {
  store: Store
  settings: WebAuthnSettings
  password: PasswordHasher
  throttle: LoginThrottle
  now: () => number
  audit?: AuditSink
}

/** Who asks for a sensitive change: their access token's claims and, perhaps, their current password. */
export interface Reauthentication {
  userId: string
  acr: string | undefined
  password?: string | undefined
  ip?: string | undefined
}

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): registration for a logged-in user, the
 * usernameless login, listing and deleting. The challenges live in the store as one-time tokens.
 */
export function createPasskeyService (options: PasskeyServiceOptions) {
  const { store, settings, password, throttle, now, audit = discardAudit } = options
  const challenges = createChallengeStore({ store, now })
  const deps = { store, settings, challenges, now, audit }
  const verifyCurrentPassword = createCurrentPasswordCheck({ password, throttle, audit })

  return {
    registration: createRegistration(deps),
    login: createLogin(deps),

    list: (userId: string): Promise<PasskeyRecord[]> => store.listPasskeys(userId),

    async remove (userId: string, passkeyId: string): Promise<void> {
      // Another user's passkey answers like a missing one.
      if (!await store.deletePasskey(userId, passkeyId)) throw new NotFoundError('Passkey')
      audit({ event: 'passkey_deleted', userId, passkeyId })
    },

    /**
     * Adding a passkey gives its holder a way into the account that outlives a password change,
     * so a stolen access token alone must not be enough: the session has a second factor (aal2),
     * or the caller types the current password (checked under the login throttle, like a login).
     */
    async assertMayAddPasskey ({ userId, acr, password: typed, ip }: Reauthentication): Promise<void> {
      if (acr === 'aal2') return
      if (typed === undefined) throw new ReauthenticationRequiredError('Adding a passkey needs the current password, or a session logged in with a second factor')
      const user = await store.findUserById(userId)
      if (user === null) throw new NotFoundError('User')
      await verifyCurrentPassword(user, typed, ip)
    }
  }
}

export type PasskeyService = ReturnType<typeof createPasskeyService>

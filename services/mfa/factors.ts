import QRCode from 'qrcode'
import type { AuditSink } from '../audit.js'
import { InvalidCredentialsError } from '../errors.js'
import type { LoginThrottle } from '../login-throttle.js'
import type { Store, TotpFactorRecord, UserRecord } from '../storage/types.js'
import { InvalidMfaCodeError, MfaStateError } from './errors.js'
import type { RenderedMail } from '../mail/templates/layout.js'
import { factorsReset, recoveryCodeUsed, totpRemoved } from './notices.js'
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js'
import type { SecretBox } from './secret-box.js'
import { matchingTotpStep, newTotpSecret, totpUri } from './totp.js'

/** A second factor typed by the user: a TOTP code, or one of their recovery codes. */
export type SecondFactorProof = { code: string } | { recovery_code: string }
/** Which one worked. Both count as RFC 8176 'otp' (a recovery code stands in for the authenticator). */
export type ProofMethod = 'totp' | 'recovery_code'
/** What a challenge may be answered with. */
export type ChallengeMethod = 'totp' | 'recovery_code' | 'passkey'

export interface MfaStatus {
  totp: 'none' | 'pending' | 'active'
  recovery_codes_left: number
  passkeys: number
}

export interface TotpEnrolment { secret: string, otpauth_uri: string, qr_svg_data_url: string }

/**
 * Tells a user about their own account (a recovery code used, the app removed, factors reset):
 * mailed after the reply when they have an address (plugins/mfa.ts); `mail` names the message.
 */
export type MfaNotice = (user: UserRecord, mail: string, message: RenderedMail) => void

export interface MfaFactorService {
  status (userId: string): Promise<MfaStatus>
  /** The methods that can answer a login challenge; empty when the user has no active factor. */
  challengeMethods (userId: string): Promise<ChallengeMethod[]>
  /** A new pending TOTP factor (replacing a pending one); refused while one is active. */
  enrollTotp (user: UserRecord): Promise<TotpEnrolment>
  /** Activates the pending factor with its first code and returns 10 new recovery codes (shown once). */
  confirmTotp (user: UserRecord, code: string, ip: string): Promise<string[]>
  /**
   * Checks a second factor under the login throttle (a wrong code counts like a wrong password)
   * and uses it up: the TOTP step is recorded (no replay), a recovery code is consumed. `commit`
   * runs after the check passed and before the code is used; if it throws, nothing is used.
   */
  prove (user: UserRecord, proof: SecondFactorProof, ip: string, commit?: () => Promise<void>): Promise<ProofMethod>
  regenerateRecoveryCodes (user: UserRecord, code: string, ip: string): Promise<string[]>
  /**
   * 10 recovery codes for a user who has none (shown once), or null when they have some: a user
   * whose only factor is a passkey needs a way back when the passkey is lost, too.
   */
  issueRecoveryCodesIfNone (userId: string): Promise<string[] | null>
  removeTotp (user: UserRecord, proof: SecondFactorProof, ip: string): Promise<void>
  /** An admin's reset: every factor, recovery code and passkey of the user goes. */
  resetAll (actorId: string, user: UserRecord): Promise<{ totp: boolean, recoveryCodes: number, passkeys: number }>
}

export interface MfaFactorOptions {
  store: Store
  box: SecretBox
  now: () => number
  /** The name authenticator apps show above the code. */
  issuer: string
  throttle: LoginThrottle
  audit: AuditSink
  notify?: MfaNotice | undefined
}

const context = (userId: string) => `totp\u0000${userId}`

/** The throttle's name for an account's second-factor attempts: no username holds a NUL. */
export const secondFactorThrottleName = (usernameNormalized: string) => `mfa\u0000${usernameNormalized}`

export function createMfaFactorService ({ store, box, now, issuer, throttle, audit, notify }: MfaFactorOptions): MfaFactorService {
  const at = () => new Date(now())

  async function activeTotp (userId: string): Promise<TotpFactorRecord | null> {
    const factor = await store.findTotpFactor(userId)
    return factor?.confirmedAt == null ? null : factor
  }

  /**
   * Runs a check as one login attempt, counted twice: under the account's own name, so wrong codes
   * lock password logins like wrong passwords, and under a second-factor name that only a right
   * code clears. Without the second count, an attacker who has the password would wipe their
   * failures with every password login (a success clears its client's count and makes the client
   * "known", exempt from the account's ceiling) and could guess codes without end. Either count
   * locked: 429.
   */
  async function guarded<T> (user: UserRecord, ip: string, check: () => Promise<T>): Promise<T> {
    const attempt = (username: string, run: () => Promise<T>) => throttle.attempt({ username, ip, userId: user.id }, run)
    try {
      return await attempt(secondFactorThrottleName(user.usernameNormalized), () => attempt(user.usernameNormalized, check))
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        audit({ event: 'mfa_failure', userId: user.id, ip })
        throw new InvalidMfaCodeError()
      }
      throw error
    }
  }

  /** The step of a right code for this factor now, or a counted failure (InvalidCredentialsError inside `guarded`). */
  function stepOf (factor: TotpFactorRecord | null, code: string): number {
    const step = factor === null ? null : matchingTotpStep(box.open(factor.secret, context(factor.userId)), code, now())
    if (step === null) throw new InvalidCredentialsError()
    return step
  }

  async function issueRecoveryCodes (userId: string): Promise<string[]> {
    const codes = newRecoveryCodes()
    await store.replaceRecoveryCodes(userId, codes.map((code) => hashRecoveryCode(userId, code)), at())
    return codes
  }

  async function prove (user: UserRecord, proof: SecondFactorProof, ip: string, commit?: () => Promise<void>): Promise<ProofMethod> {
    return guarded(user, ip, async () => {
      if ('code' in proof) {
        const step = stepOf(await activeTotp(user.id), proof.code)
        await commit?.()
        // Atomic: of concurrent uses of one code, one wins; a code of an older or the same step is a replay.
        if (!await store.useTotpStep(user.id, step, at())) throw new InvalidCredentialsError()
        return 'totp'
      }
      await commit?.()
      if (!await store.consumeRecoveryCode(user.id, hashRecoveryCode(user.id, proof.recovery_code), at())) throw new InvalidCredentialsError()
      const left = await store.countRecoveryCodes(user.id)
      audit({ event: 'recovery_code_used', userId: user.id, ip, remaining: left })
      notify?.(user, 'mfa-recovery-code-used', recoveryCodeUsed({ username: user.username, ip, remaining: left }))
      return 'recovery_code'
    })
  }

  return {
    async status (userId) {
      const [factor, left, passkeys] = await Promise.all([store.findTotpFactor(userId), store.countRecoveryCodes(userId), store.listPasskeys(userId)])
      const totp = factor === null ? 'none' : factor.confirmedAt === null ? 'pending' : 'active'
      return { totp, recovery_codes_left: left, passkeys: passkeys.length }
    },

    async challengeMethods (userId) {
      const [totp, passkeys] = await Promise.all([activeTotp(userId), store.listPasskeys(userId)])
      if (totp === null && passkeys.length === 0) return []
      return [...(totp === null ? [] : ['totp' as const]), 'recovery_code', ...(passkeys.length === 0 ? [] : ['passkey' as const])]
    },

    async enrollTotp (user) {
      if (await activeTotp(user.id) !== null) throw new MfaStateError('totp_already_enrolled', 'An authenticator app is already set up: remove it first (DELETE /auth/mfa/totp)')
      const secret = newTotpSecret()
      await store.saveTotpFactor({ userId: user.id, secret: box.seal(secret, context(user.id)), createdAt: at(), confirmedAt: null, lastUsedStep: -1 })
      const uri = totpUri(secret, user.username, issuer)
      const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      return { secret, otpauth_uri: uri, qr_svg_data_url: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }
    },

    async confirmTotp (user, code, ip) {
      const factor = await store.findTotpFactor(user.id)
      if (factor === null || factor.confirmedAt !== null) throw new MfaStateError('totp_not_pending', 'No authenticator app is waiting for confirmation: start with POST /auth/mfa/totp/enroll')
      await guarded(user, ip, async () => {
        // useTotpStep sets confirmedAt with the step: one request confirms, a concurrent one is refused.
        if (!await store.useTotpStep(user.id, stepOf(factor, code), at())) throw new InvalidCredentialsError()
      })
      const codes = await issueRecoveryCodes(user.id)
      audit({ event: 'mfa_enrolled', userId: user.id, ip, method: 'totp' })
      return codes
    },

    prove,

    async issueRecoveryCodesIfNone (userId) {
      if (await store.countRecoveryCodes(userId) > 0) return null
      const codes = await issueRecoveryCodes(userId)
      audit({ event: 'recovery_codes_regenerated', userId })
      return codes
    },

    async regenerateRecoveryCodes (user, code, ip) {
      await prove(user, { code }, ip)
      const codes = await issueRecoveryCodes(user.id)
      audit({ event: 'recovery_codes_regenerated', userId: user.id, ip })
      return codes
    },

    async removeTotp (user, proof, ip) {
      if (await activeTotp(user.id) === null) throw new MfaStateError('totp_not_enrolled', 'No authenticator app is set up')
      await prove(user, proof, ip)
      await store.deleteTotpFactor(user.id)
      // The codes are the way back to a second factor; with none left they would open nothing.
      if ((await store.listPasskeys(user.id)).length === 0) await store.replaceRecoveryCodes(user.id, [], at())
      audit({ event: 'mfa_removed', userId: user.id, ip, method: 'totp' })
      notify?.(user, 'mfa-totp-removed', totpRemoved({ username: user.username, ip }))
    },

    async resetAll (actorId, user) {
      const totp = await store.deleteTotpFactor(user.id)
      const recoveryCodes = await store.countRecoveryCodes(user.id)
      await store.replaceRecoveryCodes(user.id, [], at())
      const passkeys = await store.listPasskeys(user.id)
      for (const passkey of passkeys) await store.deletePasskey(user.id, passkey.id)
      // A fresh start: the codes the user gets wrong while enrolling again are counted from zero.
      await throttle.clear(secondFactorThrottleName(user.usernameNormalized))
      audit({ event: 'mfa_reset', userId: user.id, actorId, passkeys: passkeys.length, totp })
      notify?.(user, 'mfa-reset', factorsReset({ username: user.username }))
      return { totp, recoveryCodes, passkeys: passkeys.length }
    }
  }
}

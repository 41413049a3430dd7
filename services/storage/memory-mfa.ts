import { DuplicatePasskeyError } from '../errors.js'
import type { MfaStore, PasskeyRecord, TotpFactorRecord } from './types.js'

/**
 * Second factors for the memory store. Each check-and-set runs synchronously, so of concurrent
 * callers using the same step, code or counter exactly one wins.
 */
export function createMemoryMfa (): MfaStore & { deleteUser: (userId: string) => void } {
  const totp = new Map<string, TotpFactorRecord>()
  /** userId -> hashes of unused recovery codes */
  const recoveryCodes = new Map<string, Set<string>>()
  const passkeys = new Map<string, PasskeyRecord>()
  const copyPasskey = (passkey: PasskeyRecord): PasskeyRecord => ({ ...passkey, transports: [...passkey.transports] })

  return {
    async saveTotpFactor (factor) { totp.set(factor.userId, { ...factor }) },

    async findTotpFactor (userId) {
      const factor = totp.get(userId)
      return factor === undefined ? null : { ...factor }
    },

    async useTotpStep (userId, step, now) {
      const factor = totp.get(userId)
      if (factor === undefined || step <= factor.lastUsedStep) return false
      factor.lastUsedStep = step
      factor.confirmedAt ??= now
      return true
    },

    async deleteTotpFactor (userId) { return totp.delete(userId) },

    async replaceRecoveryCodes (userId, codeHashes) {
      if (codeHashes.length === 0) recoveryCodes.delete(userId)
      else recoveryCodes.set(userId, new Set(codeHashes))
    },

    async consumeRecoveryCode (userId, codeHash) {
      return recoveryCodes.get(userId)?.delete(codeHash) ?? false
    },

    async countRecoveryCodes (userId) { return recoveryCodes.get(userId)?.size ?? 0 },

    async createPasskey (passkey) {
      if (passkeys.has(passkey.id)) throw new DuplicatePasskeyError()
      passkeys.set(passkey.id, copyPasskey(passkey))
    },

    async findPasskey (id) {
      const passkey = passkeys.get(id)
      return passkey === undefined ? null : copyPasskey(passkey)
    },

    async listPasskeys (userId) {
      return [...passkeys.values()]
        .filter((passkey) => passkey.userId === userId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map(copyPasskey)
    },

    async recordPasskeyUse (id, expectedCounter, counter, now) {
      const passkey = passkeys.get(id)
      if (passkey === undefined || passkey.counter !== expectedCounter) return false
      passkey.counter = counter
      passkey.lastUsedAt = now
      return true
    },

    async deletePasskey (userId, id) {
      if (passkeys.get(id)?.userId !== userId) return false
      return passkeys.delete(id)
    },

    deleteUser (userId) {
      totp.delete(userId)
      recoveryCodes.delete(userId)
      for (const [id, passkey] of passkeys) if (passkey.userId === userId) passkeys.delete(id)
    }
  }
}

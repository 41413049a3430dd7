import { randomUUID } from 'node:crypto'
import type { Collection } from 'mongodb'
import { DuplicatePasskeyError } from '../errors.js'
import { isDuplicateKey, isOnlyDuplicateKeys } from './mongodb-errors.js'
import type { CallOptions, MongoRunner } from './mongodb-runner.js'
import type { MfaStore, PasskeyRecord, TotpFactorRecord } from './types.js'

/** A TOTP factor as saved, never updated; `factorId` names this enrolment's chain of used steps. */
export interface TotpFactorDoc { _id: string, factorId: string, secret: string, createdAt: Date, confirmedAt: Date | null, lastUsedStep: number }
/** One accepted step: `after` is the step it followed, unique per factor, so one caller advances from each step. */
export interface TotpStepDoc { factorId: string, userId: string, after: number, step: number, confirmedAt: Date }
/** `_id` is `<userId>:<codeHash>`: one document per unused code. */
export interface RecoveryCodeDoc { _id: string, userId: string, createdAt: Date }
/** A passkey as registered, never updated; its uses are PasskeyUseDocs. */
export interface PasskeyDoc { _id: string, userId: string, publicKey: string, counter: number, transports: string[], backedUp: boolean, name: string, createdAt: Date, lastUsedAt: Date | null }
/** One recorded use: `seq` 1, 2, 3 ... per passkey under a unique index, the newest holding the counter. */
export interface PasskeyUseDoc { passkeyId: string, userId: string, seq: number, counter: number, at: Date }

export interface MfaCollections {
  totpFactors: Collection<TotpFactorDoc>
  totpSteps: Collection<TotpStepDoc>
  recoveryCodes: Collection<RecoveryCodeDoc>
  passkeys: Collection<PasskeyDoc>
  passkeyUses: Collection<PasskeyUseDoc>
}

type Calls = Pick<CallOptions, 'read' | 'write'>

/**
 * Second factors on MongoDB / FerretDB, without a single conditional update (FerretDB applies
 * updates as read-modify-write, so "update where lastUsedStep < step" would let every concurrent
 * caller win). Each single-use step is an insert under a unique index or a deleteOne instead:
 * - a TOTP step is a TotpStepDoc unique on { factorId, after }: of the callers that read the same
 *   last step, one inserts; a loser reads again and tries again only if its step is still newer;
 * - a passkey use is a PasskeyUseDoc unique on { passkeyId, seq }: compare-and-set on the version;
 * - a recovery code is used by deleting its document (deleteOne reports 1 to one caller only).
 * Step and use documents stay until their factor or passkey is deleted: deleting older ones would
 * let a slow caller insert behind the newest and be told it won.
 */
export function mongoMfa (c: MfaCollections, operation: MongoRunner): MfaStore {
  const newestStep = (factorId: string, call: Calls) => c.totpSteps.findOne({ factorId }, { ...call.read, sort: { step: -1 } })
  const newestUse = (passkeyId: string, call: Calls) => c.passkeyUses.findOne({ passkeyId }, { ...call.read, sort: { seq: -1 } })

  async function toPasskey (doc: PasskeyDoc, call: Calls): Promise<PasskeyRecord> {
    const { _id: id, userId, publicKey, counter, transports, backedUp, name, createdAt, lastUsedAt } = doc
    const use = await newestUse(id, call)
    return { id, userId, publicKey, counter: use?.counter ?? counter, transports: [...transports], backedUp, name, createdAt, lastUsedAt: use?.at ?? lastUsedAt }
  }

  return {
    saveTotpFactor: ({ userId, secret, createdAt, confirmedAt, lastUsedStep }) => operation(async (call) => {
      // A new factorId starts a new chain: the old factor's steps no longer count.
      const factorId = randomUUID()
      await c.totpFactors.replaceOne({ _id: userId }, { factorId, secret, createdAt, confirmedAt, lastUsedStep }, { ...call.write(), upsert: true })
      await c.totpSteps.deleteMany({ userId, factorId: { $ne: factorId } }, call.write())
    }),

    findTotpFactor: (userId) => operation(async (call): Promise<TotpFactorRecord | null> => {
      const doc = await c.totpFactors.findOne({ _id: userId }, call.read)
      if (doc === null) return null
      const step = await newestStep(doc.factorId, call)
      return { userId, secret: doc.secret, createdAt: doc.createdAt, confirmedAt: step?.confirmedAt ?? doc.confirmedAt, lastUsedStep: step?.step ?? doc.lastUsedStep }
    }),

    useTotpStep: (userId, step, now) => operation(async (call) => {
      // Ends when this step is taken or no longer newer, or when the deadline passes (call.write() throws).
      for (;;) {
        const factor = await c.totpFactors.findOne({ _id: userId }, call.read)
        if (factor === null) return false
        const last = await newestStep(factor.factorId, call)
        const after = last?.step ?? factor.lastUsedStep
        if (step <= after) return false
        try {
          await c.totpSteps.insertOne({ factorId: factor.factorId, userId, after, step, confirmedAt: last?.confirmedAt ?? factor.confirmedAt ?? now }, call.write())
          return true
        } catch (error) {
          if (!isDuplicateKey(error)) throw error
        }
      }
    }),

    deleteTotpFactor: (userId) => operation(async (call) => {
      const deleted = (await c.totpFactors.deleteOne({ _id: userId }, call.write())).deletedCount === 1
      await c.totpSteps.deleteMany({ userId }, call.write())
      return deleted
    }),

    replaceRecoveryCodes: (userId, codeHashes, now) => operation(async (call) => {
      await c.recoveryCodes.deleteMany({ userId }, call.write())
      const docs = [...new Set(codeHashes)].map((codeHash) => ({ _id: `${userId}:${codeHash}`, userId, createdAt: now }))
      if (docs.length === 0) return
      try {
        await c.recoveryCodes.insertMany(docs, { ...call.write(), ordered: false })
      } catch (error) {
        if (!isOnlyDuplicateKeys(error)) throw error // the same code already stored: one document is enough
      }
    }),

    consumeRecoveryCode: (userId, codeHash) => operation(async (call) =>
      (await c.recoveryCodes.deleteOne({ _id: `${userId}:${codeHash}` }, call.write())).deletedCount === 1),

    countRecoveryCodes: (userId) => operation((call) => c.recoveryCodes.countDocuments({ userId }, call.read)),

    createPasskey: ({ id, userId, publicKey, counter, transports, backedUp, name, createdAt, lastUsedAt }) => operation(async (call) => {
      try {
        await c.passkeys.insertOne({ _id: id, userId, publicKey, counter, transports: [...transports], backedUp, name, createdAt, lastUsedAt }, call.write())
      } catch (error) {
        if (isDuplicateKey(error)) throw new DuplicatePasskeyError()
        throw error
      }
    }),

    findPasskey: (id) => operation(async (call) => {
      const doc = await c.passkeys.findOne({ _id: id }, call.read)
      return doc === null ? null : await toPasskey(doc, call)
    }),

    listPasskeys: (userId) => operation(async (call) => {
      const docs = await c.passkeys.find({ userId }, call.read).sort({ createdAt: 1, _id: 1 }).toArray()
      return await Promise.all(docs.map((doc) => toPasskey(doc, call)))
    }),

    recordPasskeyUse: (id, expectedCounter, counter, now) => operation(async (call) => {
      const passkey = await c.passkeys.findOne({ _id: id }, call.read)
      if (passkey === null) return false
      const use = await newestUse(id, call)
      if ((use?.counter ?? passkey.counter) !== expectedCounter) return false
      try {
        await c.passkeyUses.insertOne({ passkeyId: id, userId: passkey.userId, seq: (use?.seq ?? 0) + 1, counter, at: now }, call.write())
        return true
      } catch (error) {
        if (isDuplicateKey(error)) return false // another use of the same version won
        throw error
      }
    }),

    deletePasskey: (userId, id) => operation(async (call) => {
      const deleted = (await c.passkeys.deleteOne({ _id: id, userId }, call.write())).deletedCount === 1
      if (deleted) await c.passkeyUses.deleteMany({ passkeyId: id }, call.write())
      return deleted
    })
  }
}

/** Deletes every factor, code and passkey of a user (deleteUser). */
export async function deleteUserFactors (c: MfaCollections, userId: string, call: Calls): Promise<void> {
  await c.totpFactors.deleteOne({ _id: userId }, call.write())
  await c.totpSteps.deleteMany({ userId }, call.write())
  await c.recoveryCodes.deleteMany({ userId }, call.write())
  await c.passkeys.deleteMany({ userId }, call.write())
  await c.passkeyUses.deleteMany({ userId }, call.write())
}

// FOUNDATION ONLY: removed before merge. SQL and MongoDB adapters get the new contract parts in the storage branch.
import type { Store } from './types.js'
type NewParts = 'findUserByEmail' | 'setSessionAmr' | keyof import('./contract-one-time-tokens.js').OneTimeTokenStore | keyof import('./contract-mfa.js').MfaStore
const names: NewParts[] = ['findUserByEmail', 'setSessionAmr', 'createOneTimeToken', 'consumeOneTimeToken', 'consumeOneTimeTokenByCode', 'findOneTimeToken', 'deleteOneTimeTokens', 'saveTotpFactor', 'findTotpFactor', 'useTotpStep', 'deleteTotpFactor', 'replaceRecoveryCodes', 'consumeRecoveryCode', 'countRecoveryCodes', 'createPasskey', 'findPasskey', 'listPasskeys', 'recordPasskeyUse', 'deletePasskey']
export const NOT_YET = Object.fromEntries(names.map((name) => [name, async () => { throw new Error(`${name}: not implemented on this adapter yet`) }])) as unknown as Pick<Store, NewParts>

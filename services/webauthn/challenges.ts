import { randomBytes } from 'node:crypto'
import { sha256Hex } from '../sha256.js'
import type { Store } from '../storage/types.js'
import { InvalidChallengeError } from './errors.js'

export type ChallengePurpose = 'webauthn_register' | 'webauthn_login'

/** How long a ceremony may take, from options to verify: also the browser's timeout. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000

export interface IssuedChallenge {
  /** What the client sends back to verify: the store keeps only its SHA-256. */
  challengeId: string
  /** The WebAuthn challenge the authenticator signs: its bytes for the options, base64url for the verifier. */
  challenge: Uint8Array<ArrayBuffer>
  expected: string
}

/**
 * WebAuthn challenges kept server-side as one-time tokens. The client holds a random
 * challenge_id; the store holds its hash, the purpose, the user (null for a usernameless login)
 * and the challenge itself. A verify consumes it in one atomic step, so of any number of
 * concurrent verifies of one challenge exactly one goes on, and a replayed response meets no
 * challenge at all.
 */
export function createChallengeStore ({ store, now }: { store: Store, now: () => number }) {
  return {
    async issue (purpose: ChallengePurpose, userId: string | null): Promise<IssuedChallenge> {
      const challengeId = randomBytes(32).toString('base64url')
      const bytes = randomBytes(32)
      const expected = bytes.toString('base64url')
      const at = now()
      await store.createOneTimeToken({
        hash: sha256Hex(challengeId),
        purpose,
        userId,
        codeHash: null,
        data: JSON.stringify({ challenge: expected }),
        createdAt: new Date(at),
        expiresAt: new Date(at + CHALLENGE_TTL_MS),
        failedAttempts: 0
      })
      return { challengeId, challenge: new Uint8Array(bytes), expected }
    },

    /** The challenge, consumed; refused unless live, of this purpose and (when given) of this user. */
    async consume (challengeId: string, purpose: ChallengePurpose, userId: string | null): Promise<string> {
      const token = await store.consumeOneTimeToken(sha256Hex(challengeId), purpose, new Date(now()))
      if (token === null || token.data === null || (userId !== null && token.userId !== userId)) throw new InvalidChallengeError()
      return (JSON.parse(token.data) as { challenge: string }).challenge
    }
  }
}

export type ChallengeStore = ReturnType<typeof createChallengeStore>

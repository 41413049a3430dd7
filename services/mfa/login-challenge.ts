import { randomBytes } from 'node:crypto'
import type { AuditSink } from '../audit.js'
import type { ClientInfo, SessionService, TokenPair } from '../sessions.js'
import { sha256Hex } from '../sha256.js'
import type { OneTimeTokenRecord, Store, UserRecord } from '../storage/types.js'
import { InvalidMfaCodeError, InvalidMfaTokenError } from './errors.js'
import type { ChallengeMethod, MfaFactorService, SecondFactorProof } from './factors.js'

export const MFA_LOGIN_PURPOSE = 'mfa_login'
/** An mfa_token lives this long: enough to open an authenticator app, short for a stolen one. */
export const MFA_TOKEN_TTL_MS = 5 * 60 * 1000
/** Wrong codes one mfa_token survives; the next password login makes a new one (and counts in the throttle). */
export const MFA_TOKEN_MAX_FAILURES = 5
/** Never a SHA-256 hex: counting a wrong code against the user's live mfa_token (see countWrongCode). */
const NO_CODE = '-'

export interface MfaChallenge {
  /** 256 random bits, base64url; stored only as its SHA-256. */
  mfa_token: string
  methods: ChallengeMethod[]
  expires_in: number
}

type Client = Pick<ClientInfo, 'userAgent' | 'ip'>

export interface MfaLoginService {
  /** After a right password: null when the user has no active factor (start the session), else the challenge to answer. */
  challenge (user: UserRecord, client: Client): Promise<MfaChallenge | null>
  /** The user a live mfa_token belongs to, without using it (a passkey helper builds its assertion options from it). */
  pendingUser (mfaToken: string): Promise<{ userId: string } | null>
  /** Answers the challenge with a TOTP code or a recovery code: a session with amr ['pwd', 'otp']. */
  verify (mfaToken: string, proof: SecondFactorProof, client: Client): Promise<TokenPair>
  /**
   * Answers the challenge with a second factor verified elsewhere (a passkey assertion checked by
   * its own service): consumes the mfa_token (exactly one concurrent caller wins; InvalidMfaTokenError
   * otherwise, or when it belongs to another user) and opens a session with amr ['pwd', ...methods].
   */
  completeLogin (mfaToken: string, factor: { userId: string, methods: string[] }, client: Client): Promise<TokenPair>
}

/**
 * The second step of a password login. The mfa_token is a one-time token (purpose 'mfa_login');
 * a user has at most one live: a new password login replaces it.
 *
 * Wrong codes: a TOTP code is checked (pure arithmetic) before the token is touched, so a wrong
 * one never burns it: it is counted against the token atomically by the store
 * (consumeOneTimeTokenByCode with a code hash that never matches adds one to failedAttempts and
 * deletes the token at MFA_TOKEN_MAX_FAILURES; concurrent wrong codes are all counted) and in the
 * per-account login throttle. A code that is right is used in this order: consume the token (one
 * concurrent caller wins, the others get invalid_mfa_token), then record the TOTP step (one winner
 * per step: a replayed code fails here). A recovery code cannot be checked without using it, so
 * it is used after the token is consumed. When the second step fails after the token was taken
 * (a replayed TOTP code, a wrong or used recovery code), the token is put back with one more
 * failure, unless that is its last: until it is back, a concurrent request for the same token sees
 * none, which only an attacker racing themselves (or the owner) meets.
 */
export function createMfaLoginService ({ store, sessions, factors, now, audit }: {
  store: Store
  sessions: SessionService
  factors: MfaFactorService
  now: () => number
  audit: AuditSink
}): MfaLoginService {
  const at = () => new Date(now())

  async function liveToken (mfaToken: string): Promise<OneTimeTokenRecord | null> {
    if (mfaToken.length > 256) return null
    return store.findOneTimeToken(sha256Hex(mfaToken), MFA_LOGIN_PURPOSE, at())
  }

  async function userOf (token: OneTimeTokenRecord | null): Promise<UserRecord> {
    const user = token?.userId == null ? null : await store.findUserById(token.userId)
    if (user === null || user.disabledAt !== null) throw new InvalidMfaTokenError()
    return user
  }

  async function consume (mfaToken: string): Promise<OneTimeTokenRecord> {
    const token = await store.consumeOneTimeToken(sha256Hex(mfaToken), MFA_LOGIN_PURPOSE, at())
    if (token === null) throw new InvalidMfaTokenError()
    return token
  }

  async function putBack (token: OneTimeTokenRecord): Promise<void> {
    const failedAttempts = token.failedAttempts + 1
    if (failedAttempts < MFA_TOKEN_MAX_FAILURES) await store.createOneTimeToken({ ...token, failedAttempts })
  }

  const countWrongCode = (userId: string) => store.consumeOneTimeTokenByCode(userId, MFA_LOGIN_PURPOSE, NO_CODE, at(), MFA_TOKEN_MAX_FAILURES)

  async function open (user: UserRecord, methods: string[], client: Client, method: string): Promise<TokenPair> {
    const pair = await sessions.start(user, { ...client, amr: ['pwd', ...methods.filter((m) => m !== 'pwd')] })
    audit({ event: 'mfa_login', userId: user.id, ip: client.ip, method })
    return pair
  }

  return {
    async challenge (user, client) {
      const methods = await factors.challengeMethods(user.id)
      if (methods.length === 0) return null
      const mfaToken = randomBytes(32).toString('base64url')
      const created = at()
      await store.createOneTimeToken({
        hash: sha256Hex(mfaToken),
        purpose: MFA_LOGIN_PURPOSE,
        userId: user.id,
        codeHash: null,
        // Noted for the audit trail and support; not enforced: a phone may change networks between the two steps.
        data: JSON.stringify({ ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 256) ?? null }),
        createdAt: created,
        expiresAt: new Date(created.getTime() + MFA_TOKEN_TTL_MS),
        failedAttempts: 0
      }, { userId: user.id, purposes: [MFA_LOGIN_PURPOSE] })
      return { mfa_token: mfaToken, methods, expires_in: MFA_TOKEN_TTL_MS / 1000 }
    },

    async pendingUser (mfaToken) {
      const token = await liveToken(mfaToken)
      return token?.userId == null ? null : { userId: token.userId }
    },

    async verify (mfaToken, proof, client) {
      const user = await userOf(await liveToken(mfaToken))
      const held: { token: OneTimeTokenRecord | null } = { token: null }
      try {
        const method = await factors.prove(user, proof, client.ip ?? 'unknown', async () => { held.token = await consume(mfaToken) })
        return await open(user, ['otp'], client, method)
      } catch (error) {
        if (error instanceof InvalidMfaCodeError) {
          if (held.token === null) await countWrongCode(user.id)
          else await putBack(held.token)
        }
        throw error
      }
    },

    async completeLogin (mfaToken, factor, client) {
      const token = await consume(mfaToken)
      if (token.userId !== factor.userId) throw new InvalidMfaTokenError()
      return open(await userOf(token), factor.methods, client, factor.methods.join('+'))
    }
  }
}

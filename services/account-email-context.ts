import type { AuditSink } from './audit.js'
import { normalizeEmail } from './emails.js'
import { AppError } from './errors.js'
import type { AddressLimit } from './mail/address-limit.js'
import type { MailOutbox } from './mail/outbox.js'
import type { RenderedMail } from './mail/templates/index.js'
import { newId } from './ids.js'
import type { EmailPurpose, OneTimeCodes } from './one-time-codes.js'
import type { OneTimeTokenRecord, Store, UserRecord } from './storage/types.js'
import { canBeUsername, normalizeUsername } from './usernames.js'

/** Every failure to use a link or code: unknown, used, replaced, expired, wrong code, wrong purpose. */
export class InvalidOrExpiredTokenError extends AppError {
  override name = 'InvalidOrExpiredTokenError'
  constructor () {
    super(400, 'invalid_or_expired_token', 'This link or code is invalid, used or expired; ask for a new one')
  }
}

/** How a caller names an account without logging in. */
export type AccountLookup = { email: string } | { username: string }

/** A link token, or a typed code with the account it was sent for. */
export type Proof = { token: string } | { lookup: AccountLookup, code: string } | { userId: string, code: string }

/** What the mail flows share. */
export interface FlowContext {
  store: Store
  codes: OneTimeCodes
  outbox: MailOutbox
  limit: AddressLimit
  audit: AuditSink
  now: () => number
  /** `${PUBLIC_URL}/account/#action=…&token=…`, from configuration only. */
  link: (action: 'verify' | 'reset' | 'change', token: string) => string
  ttl: { reset: number, verify: number, change: number }
}

export async function findAccount (store: Store, lookup: AccountLookup): Promise<UserRecord | null> {
  if ('email' in lookup) return store.findUserByEmail(normalizeEmail(lookup.email))
  const username = normalizeUsername(lookup.username)
  return canBeUsername(username) ? store.findUserByUsername(username) : null
}

/**
 * Consumes a token or a code of this purpose and returns the record with its user, or throws
 * the one InvalidOrExpiredTokenError. A code for an unknown account is still checked against the
 * store (under an id no user has), so known and unknown accounts cost the same store call.
 */
export async function consumeProof (ctx: FlowContext, purpose: EmailPurpose, proof: Proof): Promise<{ record: OneTimeTokenRecord, user: UserRecord }> {
  let record: OneTimeTokenRecord | null
  if ('token' in proof) {
    record = await ctx.codes.consumeToken(proof.token, purpose)
  } else {
    const userId = 'userId' in proof ? proof.userId : (await findAccount(ctx.store, proof.lookup))?.id ?? newId()
    const attempt = await ctx.codes.consumeCode(userId, purpose, proof.code)
    // A wrong code and no token at all answer alike: "attempts left" would tell a stranger that
    // this address has an account (only accounts get tokens).
    record = attempt.outcome === 'consumed' ? attempt.token : null
  }
  const user = record?.userId == null ? null : await ctx.store.findUserById(record.userId)
  if (record === null || user === null) throw new InvalidOrExpiredTokenError()
  return { record, user }
}

/** The address a token was issued for (its `data.email`), or null. */
export function issuedFor (record: OneTimeTokenRecord): string | null {
  try {
    const data = JSON.parse(record.data ?? 'null') as { email?: unknown } | null
    return typeof data?.email === 'string' ? data.email : null
  } catch {
    return null
  }
}

/**
 * Sends a link-bearing message within the per-address limit: over it, nothing is sent
 * (audited mail_limited) and the caller's reply does not change.
 */
export async function mailWithinLimit (ctx: FlowContext, user: UserRecord, address: string, mail: string, rendered: RenderedMail): Promise<void> {
  if (!await ctx.limit.allow(address, mail)) {
    ctx.audit({ event: 'mail_limited', userId: user.id, mail })
    return
  }
  await ctx.outbox.send({ to: address, ...rendered }, { userId: user.id, mail })
}

/** The proof in a request body: the token if there is one, else the code with the account named by email or username. */
export function proofFromBody (body: { token: string } | { email: string, code: string } | { username: string, code: string }): Proof {
  if ('token' in body) return { token: body.token }
  return 'email' in body ? { lookup: { email: body.email }, code: body.code } : { lookup: { username: body.username }, code: body.code }
}

export function lookupFromBody (body: { email: string } | { username: string }): AccountLookup {
  return 'email' in body ? { email: body.email } : { username: body.username }
}

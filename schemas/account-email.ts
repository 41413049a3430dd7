import { Type } from 'typebox'
import { Email, Password } from './auth.js'

const TOKEN_EXAMPLE = 'q7Xb0sJ4mZk2v9T1cN8wRr5yL3pD6fH0aG2eU4iK7oM'
/** The link token as mailed: 43 base64url characters. */
const LinkToken = Type.String({ minLength: 1, maxLength: 128, description: 'The token from the mailed link (after #…&token=)' })
const Code = Type.String({ minLength: 1, maxLength: 32, description: 'The 8-digit code from the message (spaces and dashes ignored)' })
const LookupName = Type.String({ minLength: 1, maxLength: 64 })

const byEmail = { email: Email }
const byUsername = { username: LookupName }

/*
 * The bodies with alternatives are unions of objects WITHOUT additionalProperties: false: with
 * ajv's removeAdditional, trying the first branch would strip the fields the next one needs.
 * A route takes the first form present (token before code) and ignores anything else.
 */

/** The account, named without logging in: by address or by username. */
export const AccountLookupBody = Type.Union([
  Type.Object(byEmail),
  Type.Object(byUsername)
], { examples: [{ email: 'alice@example.com' }, { username: 'alice' }] })

export const Accepted = Type.Object({
  message: Type.String()
}, {
  description: 'Accepted: the same answer whether or not an account matched (a message is sent only if one did)',
  examples: [{ message: 'If an account matches, a message is on its way' }]
})

export const ACCEPTED_MESSAGE = 'If an account matches, a message is on its way'

export const VerifyBody = Type.Union([
  Type.Object({ token: LinkToken }),
  Type.Object({ ...byEmail, code: Code }),
  Type.Object({ ...byUsername, code: Code })
], { examples: [{ token: TOKEN_EXAMPLE }, { email: 'alice@example.com', code: '04829137' }] })

export const EmailVerified = Type.Object({
  email: Type.String(),
  email_verified: Type.Literal(true)
}, { description: 'The verified address', examples: [{ email: 'alice@example.com', email_verified: true }] })

export const ResetBody = Type.Union([
  Type.Object({ token: LinkToken, new_password: Password }),
  Type.Object({ ...byEmail, code: Code, new_password: Password }),
  Type.Object({ ...byUsername, code: Code, new_password: Password })
], { examples: [{ token: TOKEN_EXAMPLE, new_password: 'a brand new passphrase' }, { email: 'alice@example.com', code: '04829137', new_password: 'a brand new passphrase' }] })

export const EmailChangeBody = Type.Object({
  new_email: Email,
  current_password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false, examples: [{ new_email: 'alice@new.example.com', current_password: 'correct horse battery staple' }] })

export const EmailChangeConfirmBody = Type.Union([
  Type.Object({ token: LinkToken }),
  Type.Object({ code: Code })
], { description: 'The link token, or the code with the Bearer token of the account', examples: [{ token: TOKEN_EXAMPLE }, { code: '04829137' }] })

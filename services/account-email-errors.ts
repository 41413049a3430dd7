import { AppError } from './errors.js'

/** EMAIL_VERIFICATION=required: the password was right, the address is not verified yet. */
export class EmailNotVerifiedError extends AppError {
  override name = 'EmailNotVerifiedError'
  constructor () {
    super(403, 'email_not_verified', 'Verify your email address before logging in: follow the link or type the code we sent (POST /auth/email/verify/request sends a new one)')
  }
}

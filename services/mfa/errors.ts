import { AppError } from '../errors.js'

/** A password login that needs its second factor: /auth/login answers it with an mfa_token (routes/auth/login.ts). */
export const MFA_REQUIRED = 'mfa_required'

export class InvalidMfaCodeError extends AppError {
  override name = 'InvalidMfaCodeError'
  constructor () {
    super(401, 'invalid_mfa_code', 'Invalid or already used code')
  }
}

export class InvalidMfaTokenError extends AppError {
  override name = 'InvalidMfaTokenError'
  constructor () {
    super(401, 'invalid_mfa_token', 'Invalid, expired or already used mfa_token: log in again')
  }
}

/** A route that needs a higher assurance level than the access token states (fastify.requireMfa). */
export class MfaRequiredError extends AppError {
  override name = 'MfaRequiredError'
  constructor (message = 'This route needs a session that used a second factor: step up with POST /auth/mfa/step-up, or log in with your second factor') {
    super(403, MFA_REQUIRED, message)
  }
}

/** ADMIN_REQUIRE_MFA=true and the admin has no second factor yet. */
export class MfaEnrollmentRequiredError extends AppError {
  override name = 'MfaEnrollmentRequiredError'
  constructor () {
    super(403, 'mfa_enrollment_required', 'Admin routes need a second factor: enrol one with POST /auth/mfa/totp/enroll, then log in with it')
  }
}

export class MfaStateError extends AppError {
  override name = 'MfaStateError'
  constructor (code: 'totp_already_enrolled' | 'totp_not_pending' | 'totp_not_enrolled', message: string) {
    super(409, code, message)
  }
}

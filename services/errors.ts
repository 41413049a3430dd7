/**
 * Domain errors. Each carries the HTTP status and the stable `code` the error handler puts
 * in the JSON reply, so services and adapters never know about HTTP replies themselves.
 */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: string

  constructor (statusCode: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.statusCode = statusCode
    this.code = code
  }
}

export class DuplicateUserError extends AppError {
  override name = 'DuplicateUserError'
  constructor () {
    super(409, 'username_taken', 'This username is already registered')
  }
}

export class StorageUnavailableError extends AppError {
  override name = 'StorageUnavailableError'
  constructor (cause?: unknown) {
    super(503, 'storage_unavailable', 'Storage is unavailable, try again shortly', { cause })
  }
}

export class InvalidCredentialsError extends AppError {
  override name = 'InvalidCredentialsError'
  constructor () {
    super(401, 'invalid_credentials', 'Invalid username or password')
  }
}

export class InvalidAccessTokenError extends AppError {
  override name = 'InvalidAccessTokenError'
  constructor (message = 'Missing, invalid, expired or revoked access token', options?: ErrorOptions) {
    super(401, 'invalid_token', message, options)
  }
}

export class InvalidRefreshTokenError extends AppError {
  override name = 'InvalidRefreshTokenError'
  constructor () {
    super(401, 'invalid_refresh_token', 'Invalid, expired or revoked refresh token')
  }
}

export class RefreshTokenSupersededError extends AppError {
  override name = 'RefreshTokenSupersededError'
  constructor () {
    super(401, 'refresh_token_superseded', 'This refresh token was already used; use the newest one')
  }
}

export class RefreshTokenReusedError extends AppError {
  override name = 'RefreshTokenReusedError'
  constructor () {
    super(401, 'refresh_token_reused', 'Refresh token reuse detected; the session has been revoked')
  }
}

/** An RFC 6749 section 5.2 error, answered as `{ error, error_description }` by routes/oauth. */
export class OAuthError extends AppError {
  override name = 'OAuthError'
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError'
  constructor (what: string) {
    super(404, 'not_found', `${what} not found`)
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError'
  constructor (message: string, code = 'forbidden') {
    super(403, code, message)
  }
}

/** An admin action that would lock its own author out (drop own admin role, disable or delete self). */
export class SelfLockoutError extends AppError {
  override name = 'SelfLockoutError'
  constructor (message: string) {
    super(409, 'self_lockout', message)
  }
}

export class DuplicateEmailError extends AppError {
  override name = 'DuplicateEmailError'
  constructor () {
    super(409, 'email_taken', 'This email address belongs to another account')
  }
}

export class DuplicatePasskeyError extends AppError {
  override name = 'DuplicatePasskeyError'
  constructor () {
    super(409, 'passkey_exists', 'This passkey is already registered')
  }
}

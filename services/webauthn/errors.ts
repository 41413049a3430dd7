import { AppError } from '../errors.js'

/** A challenge_id that is unknown, already used, expired, of another purpose or of another user. */
export class InvalidChallengeError extends AppError {
  override name = 'InvalidChallengeError'
  constructor () {
    super(400, 'invalid_challenge', 'Unknown, used or expired challenge_id: ask for new options')
  }
}

/** A registration response that did not verify (wrong origin, RP ID, challenge, malformed attestation). */
export class PasskeyRegistrationError extends AppError {
  override name = 'PasskeyRegistrationError'
  constructor (reason: string) {
    super(400, 'passkey_rejected', `The passkey could not be verified: ${reason}`)
  }
}

/**
 * A login assertion that did not verify. One answer, one message for every cause (unknown
 * credential, another user's handle, bad signature, wrong origin, a counter that went backwards,
 * a lost race): the caller learns nothing about which passkeys exist. The audit says which.
 */
export class PasskeyLoginError extends AppError {
  override name = 'PasskeyLoginError'
  constructor () {
    super(401, 'invalid_passkey', 'The passkey could not be verified')
  }
}

/** A sensitive change asked without the current password or a second factor in the session. */
export class ReauthenticationRequiredError extends AppError {
  override name = 'ReauthenticationRequiredError'
  constructor (message: string) {
    super(403, 'reauthentication_required', message)
  }
}

export class PasskeyLimitError extends AppError {
  override name = 'PasskeyLimitError'
  constructor (limit: number) {
    super(409, 'passkey_limit', `An account holds at most ${limit} passkeys: delete one first`)
  }
}

import { Type } from 'typebox'

const TOKEN_EXAMPLE = 'o3N6WmY1aJ3o4N7Qh1lXGQ0bq3kq8zq5n2d1y9L0vZc'
const JWT_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl'

export const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code the authenticator app shows now' })
export const RecoveryCode = Type.String({ minLength: 10, maxLength: 32, description: 'One of the recovery codes shown at enrolment (dashes and case do not matter)' })
const MfaToken = Type.String({ minLength: 1, maxLength: 256, description: 'The mfa_token of the mfa_required reply' })
const Methods = Type.Array(Type.Union([Type.Literal('totp'), Type.Literal('recovery_code'), Type.Literal('passkey')]), { description: 'What can answer the challenge' })

/** A TOTP code or a recovery code: exactly one. */
const proofOf = <T extends Record<string, ReturnType<typeof Type.String>>>(extra: T, examples: object[]) => Type.Union([
  Type.Object({ ...extra, code: TotpCode }, { additionalProperties: false }),
  Type.Object({ ...extra, recovery_code: RecoveryCode }, { additionalProperties: false })
], { examples })

export const MfaVerifyBody = proofOf({ mfa_token: MfaToken }, [
  { mfa_token: TOKEN_EXAMPLE, code: '492039' },
  { mfa_token: TOKEN_EXAMPLE, recovery_code: 'K7QXM-3PZTR' }
])

export const SecondFactorBody = proofOf({}, [{ code: '492039' }, { recovery_code: 'K7QXM-3PZTR' }])

export const CodeBody = Type.Object({ code: TotpCode }, { additionalProperties: false, examples: [{ code: '492039' }] })

export const CurrentPasswordBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false, examples: [{ current_password: 'correct horse battery staple' }] })

const mfaRequiredExample = {
  statusCode: 401,
  error: 'Unauthorized',
  code: 'mfa_required',
  message: 'A second factor is required: POST /auth/mfa/verify with the mfa_token and a code',
  mfa_token: TOKEN_EXAMPLE,
  methods: ['totp', 'recovery_code'],
  expires_in: 300
}

/** 401 of /auth/login: wrong credentials, or right ones that need a second factor (then mfa_token is set). */
export const LoginUnauthorizedReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String({ description: 'invalid_credentials, or mfa_required when the password was right and a second factor is needed' }),
  mfa_token: Type.Optional(Type.String({ description: 'mfa_required only: single use, 5 minutes, for POST /auth/mfa/verify' })),
  methods: Type.Optional(Methods),
  expires_in: Type.Optional(Type.Integer({ description: 'Seconds the mfa_token lives' }))
}, {
  description: 'Unauthorized',
  examples: [
    { statusCode: 401, error: 'Unauthorized', message: 'Invalid username or password', code: 'invalid_credentials' },
    mfaRequiredExample
  ]
})

/** 400 of /oauth/token: an RFC 6749 error, carrying the mfa_token when it is mfa_required. */
export const OAuthTokenErrorReply = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
  mfa_token: Type.Optional(Type.String({ description: 'error mfa_required only: answer it at POST /auth/mfa/verify' })),
  methods: Type.Optional(Methods)
}, {
  description: 'RFC 6749 error',
  examples: [
    { error: 'invalid_grant', error_description: 'Invalid username or password' },
    { error: 'mfa_required', error_description: 'A second factor is required: POST /auth/mfa/verify with the mfa_token', mfa_token: TOKEN_EXAMPLE, methods: ['totp', 'recovery_code'] }
  ]
})

export const MfaStatusReply = Type.Object({
  totp: Type.Union([Type.Literal('none'), Type.Literal('pending'), Type.Literal('active')]),
  recovery_codes_left: Type.Integer(),
  passkeys: Type.Integer()
}, { description: 'The caller\'s second factors', examples: [{ totp: 'active', recovery_codes_left: 9, passkeys: 0 }] })

export const TotpEnrolmentReply = Type.Object({
  secret: Type.String({ description: 'Base32, for typing into an app by hand' }),
  otpauth_uri: Type.String(),
  qr_svg_data_url: Type.String({ description: 'The otpauth URI as a QR code: an SVG data URL, made on the server' })
}, {
  description: 'A pending authenticator app: confirm it with its first code',
  examples: [{ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/fastify-jwt-auth-server:alice?issuer=fastify-jwt-auth-server&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30', qr_svg_data_url: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0i...' }]
})

const recoveryCodes = Type.Array(Type.String(), { minItems: 10, maxItems: 10, description: 'Shown once: each works once' })
const RECOVERY_EXAMPLE = ['K7QXM-3PZTR', 'B9WCE-HN4GA', 'T2MPK-XR7QD', 'G5ZHV-8NCWE', 'P3RQT-M6KYB', 'X4NDA-W9EJS', 'H8VGC-2TQZM', 'E6KWB-R3PNX', 'Z7YMS-5GDHT', 'A2JQX-N8VCR']

export const RecoveryCodesReply = Type.Object({ recovery_codes: recoveryCodes }, {
  description: 'New recovery codes; the old ones no longer work',
  examples: [{ recovery_codes: RECOVERY_EXAMPLE }]
})

export const TotpConfirmedReply = Type.Object({
  recovery_codes: recoveryCodes,
  access_token: Type.String({ description: 'The current session, stepped up to aal2' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer()
}, {
  description: 'The authenticator app is active; recovery codes shown once; the session is stepped up',
  examples: [{ recovery_codes: RECOVERY_EXAMPLE, access_token: JWT_EXAMPLE, token_type: 'Bearer', expires_in: 900 }]
})

export const AccessTokenReply = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer()
}, { description: 'A new access token for the same session, at the raised assurance level (the refresh token is unchanged and now refreshes at that level)', examples: [{ access_token: JWT_EXAMPLE, token_type: 'Bearer', expires_in: 900 }] })

import { Type } from 'typebox'

const Base64Url = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$', ...(description === undefined ? {} : { description }) })

const ChallengeId = Base64Url(128, 'The challenge_id of the options this response answers (single use, 5 minutes)')

/** Whatever the browser says about extensions: passed to the verifier, never used here. */
const ClientExtensionResults = Type.Object({}, { additionalProperties: true })

/** navigator.credentials.create()'s result as JSON (PublicKeyCredential.toJSON(), or the same by hand). */
const RegistrationResponse = Type.Object({
  id: Base64Url(1024),
  rawId: Base64Url(1024),
  type: Type.Literal('public-key'),
  response: Type.Object({
    clientDataJSON: Base64Url(4096),
    attestationObject: Base64Url(16384),
    transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 }))
  }),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  clientExtensionResults: ClientExtensionResults
})

/** navigator.credentials.get()'s result as JSON. */
const AuthenticationResponse = Type.Object({
  id: Base64Url(1024),
  rawId: Base64Url(1024),
  type: Type.Literal('public-key'),
  response: Type.Object({
    clientDataJSON: Base64Url(4096),
    authenticatorData: Base64Url(4096),
    signature: Base64Url(1024),
    userHandle: Type.Optional(Base64Url(128))
  }),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  clientExtensionResults: ClientExtensionResults
})

const EXAMPLE_CHALLENGE_ID = 'p0Zl8m2nGQk3nq1yH6d1cX4bqkJp3S1o0mA6tJ9wYcE'
const EXAMPLE_CREDENTIAL_ID = 'hE8yKq2lW0n1m9b3v6c5x4z7a8s9d0f1g2h3j4k5l6Q'

export const RegisterOptionsBody = Type.Object({
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The current password; not needed when the access token is aal2 (a second factor was used)' }))
}, { additionalProperties: false, examples: [{ password: 'correct horse battery staple' }, {}] })

/** The options as @simplewebauthn/server makes them (WebAuthn's JSON form); passed to the browser as they are. */
const WebAuthnOptions = (description: string) =>
  Type.Object({ challenge: Type.String(), timeout: Type.Optional(Type.Integer()) }, { additionalProperties: true, description })

export const RegisterOptionsReply = Type.Object({
  challenge_id: Type.String(),
  options: WebAuthnOptions('PublicKeyCredentialCreationOptionsJSON: give it to navigator.credentials.create() (after PublicKeyCredential.parseCreationOptionsFromJSON or base64url decoding)')
}, {
  description: 'Options for navigator.credentials.create() and the challenge_id to send back with its result',
  examples: [{
    challenge_id: EXAMPLE_CHALLENGE_ID,
    options: {
      challenge: 'Xq2v0n1Yp8k3m5b7c9d0e2f4g6h8i0j1k3l5m7n9o0p',
      rp: { name: 'fastify-jwt-auth-server', id: 'localhost' },
      user: { id: 'N2QwZTdjOGU', name: 'alice', displayName: 'alice' },
      pubKeyCredParams: [{ alg: -8, type: 'public-key' }, { alg: -7, type: 'public-key' }, { alg: -257, type: 'public-key' }],
      timeout: 300000,
      attestation: 'none',
      excludeCredentials: [],
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' }
    }
  }]
})

export const RegisterVerifyBody = Type.Object({
  challenge_id: ChallengeId,
  response: RegistrationResponse,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A label to tell the passkeys apart' }))
}, {
  additionalProperties: false,
  examples: [{
    challenge_id: EXAMPLE_CHALLENGE_ID,
    name: 'Laptop',
    response: { id: EXAMPLE_CREDENTIAL_ID, rawId: EXAMPLE_CREDENTIAL_ID, type: 'public-key', response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0', attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oA', transports: ['internal'] }, clientExtensionResults: {} }
  }]
})

export const PasskeySummary = Type.Object({
  id: Type.String({ description: 'The credential id (base64url)' }),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  backed_up: Type.Boolean({ description: 'A synced passkey (backed up by its provider)' })
}, {
  description: 'A passkey of the caller',
  examples: [{ id: EXAMPLE_CREDENTIAL_ID, name: 'Laptop', created_at: '2026-12-06T21:00:00.000Z', last_used_at: null, backed_up: false }]
})

export const RegisteredPasskey = Type.Object({
  ...PasskeySummary.properties,
  recovery_codes: Type.Optional(Type.Array(Type.String(), { description: 'With the first second factor of an account only: 10 single-use recovery codes, shown once' }))
}, {
  description: 'The new passkey; with the account\'s first recovery codes when it had none',
  examples: [{ id: EXAMPLE_CREDENTIAL_ID, name: 'Laptop', created_at: '2026-12-06T21:00:00.000Z', last_used_at: null, backed_up: false, recovery_codes: ['K7QXM-3PZTR'] }]
})

export const PasskeyList = Type.Object({ passkeys: Type.Array(PasskeySummary) }, {
  description: 'The caller\'s passkeys, oldest first',
  examples: [{ passkeys: [{ id: EXAMPLE_CREDENTIAL_ID, name: 'Laptop', created_at: '2026-12-06T21:00:00.000Z', last_used_at: '2026-12-06T21:05:00.000Z', backed_up: false }] }]
})

export const PasskeyParams = Type.Object({ id: Base64Url(1024, 'The passkey\'s credential id') })

export const LoginOptionsReply = Type.Object({
  challenge_id: Type.String(),
  options: WebAuthnOptions('PublicKeyCredentialRequestOptionsJSON: give it to navigator.credentials.get()')
}, {
  description: 'Options for navigator.credentials.get() (no allowCredentials: the browser offers the passkeys it holds for this site) and the challenge_id to send back',
  examples: [{ challenge_id: EXAMPLE_CHALLENGE_ID, options: { challenge: 'Xq2v0n1Yp8k3m5b7c9d0e2f4g6h8i0j1k3l5m7n9o0p', rpId: 'localhost', timeout: 300000, userVerification: 'preferred', allowCredentials: [] } }]
})

export const LoginVerifyBody = Type.Object({
  challenge_id: ChallengeId,
  response: AuthenticationResponse,
  mfa_token: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The mfa_token of a password login that answered mfa_required: the passkey completes that login as its second factor' }))
}, {
  additionalProperties: false,
  examples: [{
    challenge_id: EXAMPLE_CHALLENGE_ID,
    response: { id: EXAMPLE_CREDENTIAL_ID, rawId: EXAMPLE_CREDENTIAL_ID, type: 'public-key', response: { clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0', authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ', signature: 'MEUCIQDx', userHandle: 'N2QwZTdjOGU' }, clientExtensionResults: {} }
  }]
})

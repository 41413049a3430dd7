// WebAuthn's binary fields and the JSON the server speaks (base64url), converted by hand: the
// demo loads no library and no CDN. The server sends PublicKeyCredentialCreationOptionsJSON /
// RequestOptionsJSON and expects a credential as RegistrationResponseJSON / AuthenticationResponseJSON.

export function fromBase64url (text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=')
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

export function toBase64url (buffer) {
  const bytes = new Uint8Array(buffer)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const withBinaryIds = (list) => (list ?? []).map((credential) => ({ ...credential, id: fromBase64url(credential.id) }))

/** Options for navigator.credentials.create(): the challenge, the user handle and excluded ids as bytes. */
export function creationOptions (json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: withBinaryIds(json.excludeCredentials)
  }
}

/** Options for navigator.credentials.get(). */
export function requestOptions (json) {
  return { ...json, challenge: fromBase64url(json.challenge), allowCredentials: withBinaryIds(json.allowCredentials) }
}

function common (credential) {
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
    clientExtensionResults: credential.getClientExtensionResults()
  }
}

/** navigator.credentials.create()'s result as the server's RegistrationResponseJSON. */
export function registrationJson (credential) {
  const response = credential.response
  return {
    ...common(credential),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: typeof response.getTransports === 'function' ? response.getTransports() : []
    }
  }
}

/** navigator.credentials.get()'s result as the server's AuthenticationResponseJSON. */
export function authenticationJson (credential) {
  const response = credential.response
  return {
    ...common(credential),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      ...(response.userHandle ? { userHandle: toBase64url(response.userHandle) } : {})
    }
  }
}

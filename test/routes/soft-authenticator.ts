import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'

/**
 * A software passkey authenticator for route tests: it answers creation and request options the
 * way a browser and a platform authenticator would (a 'none' attestation, an ES256 key, a
 * resident credential holding the user handle), so the ceremonies run end to end through the
 * real verifier without a browser. Only what the tests need; the browser test uses Chromium's
 * own virtual authenticator.
 */

type Cbor = number | string | Uint8Array | CborMap | CborRecord
interface CborMap extends Map<number | string, Cbor> {}
interface CborRecord { [key: string]: Cbor }

function head (major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length])
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length])
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff])
  throw new Error('too long for this encoder')
}

/** Just enough CBOR (RFC 8949): small integers, byte and text strings, maps. */
function cbor (value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value)
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)])
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value])
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value)
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([key, item]) => [cbor(key), cbor(item)])])
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest()
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url')

interface Credential { id: Buffer, privateKey: KeyObject, publicKey: KeyObject, userHandle: string, counter: number }

export interface AuthenticatorOptions {
  origin: string
  /** Sets the UV flag: the authenticator checked a PIN or a biometric. */
  userVerified?: boolean
}

export function softAuthenticator ({ origin, userVerified = true }: AuthenticatorOptions) {
  const credentials: Credential[] = []
  const flags = (extra: number) => 0x01 | (userVerified ? 0x04 : 0) | extra

  function clientData (type: string, challenge: string, at = origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin: at, crossOrigin: false }))
  }

  return {
    credentials,
    /** navigator.credentials.create() with these options, as the JSON the server expects. */
    create (options: { challenge: string, rp: { id?: string }, user: { id: string } }, overrides: { origin?: string } = {}) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jwk = publicKey.export({ format: 'jwk' })
      const credential: Credential = { id: randomBytes(16), privateKey, publicKey, userHandle: options.user.id, counter: 0 }
      credentials.push(credential)
      const coseKey = new Map<number, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x ?? '', 'base64url')], [-3, Buffer.from(jwk.y ?? '', 'base64url')]])
      const idLength = Buffer.from([0, credential.id.length])
      const authData = Buffer.concat([sha256(options.rp.id ?? ''), Buffer.from([flags(0x40)]), Buffer.alloc(4), Buffer.alloc(16), idLength, credential.id, cbor(coseKey)])
      return {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge, overrides.origin)),
          attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData })),
          transports: ['internal']
        },
        clientExtensionResults: {}
      }
    },

    /** navigator.credentials.get() with these options, signed by `credential` (the first by default). */
    get (options: { challenge: string, rpId?: string }, overrides: { credential?: Credential, counter?: number, origin?: string, userHandle?: string } = {}) {
      const credential = overrides.credential ?? credentials[0]
      if (credential === undefined) throw new Error('no credential: create one first')
      credential.counter = overrides.counter ?? credential.counter + 1
      const counter = Buffer.alloc(4)
      counter.writeUInt32BE(credential.counter)
      const authData = Buffer.concat([sha256(options.rpId ?? ''), Buffer.from([flags(0)]), counter])
      const data = clientData('webauthn.get', options.challenge, overrides.origin)
      const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), credential.privateKey)
      return {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: 'public-key',
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          userHandle: overrides.userHandle ?? credential.userHandle
        },
        clientExtensionResults: {}
      }
    }
  }
}

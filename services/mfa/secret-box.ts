import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encryption at rest for TOTP secrets: AES-256-GCM (node:crypto) under MFA_ENCRYPTION_KEY.
 *
 * Stored form: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The version names the
 * format (algorithm and layout), so a later format can be read next to this one; the key id (the
 * first 8 hex characters of the key's SHA-256, not secret) names the key, so a rotation can keep
 * the old key for reading while the new one writes. The user id is bound as additional data: a
 * ciphertext copied onto another user's record does not decrypt.
 */
export interface SecretBox {
  /** The id of the key that encrypts. */
  readonly keyId: string
  seal (plaintext: string, context: string): string
  /** Throws when the text was not sealed by one of our keys for this context. */
  open (sealed: string, context: string): string
}

const FORMAT = 'v1'
const IV_BYTES = 12
export const KEY_BYTES = 32

export class SecretBoxError extends Error {
  override name = 'SecretBoxError'
}

export const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8)

/** A 32-byte key written as 64 hex characters or as base64 / base64url; null when it is neither. */
export function parseEncryptionKey (text: string): Buffer | null {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null
  const key = Buffer.from(trimmed, 'base64')
  return key.length === KEY_BYTES ? key : null
}

/** A key for a development server without MFA_ENCRYPTION_KEY, derived from its (persisted) JWT secret. */
export function deriveDevelopmentKey (jwtSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'mfa-encryption-key', 'totp secrets v1', KEY_BYTES))
}

/** `keys[0]` encrypts; every key decrypts what it encrypted (rotation: put the new key first). */
export function createSecretBox (keys: Buffer[]): SecretBox {
  const [current] = keys
  if (current === undefined || keys.some((key) => key.length !== KEY_BYTES)) throw new SecretBoxError(`an encryption key must be ${KEY_BYTES} bytes`)
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]))
  const keyId = keyIdOf(current)

  return {
    keyId,

    seal (plaintext, context) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return [FORMAT, keyId, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
    },

    open (sealed, context) {
      const [format, id, iv, ciphertext, tag, ...rest] = sealed.split('.')
      if (format !== FORMAT || rest.length > 0 || iv === undefined || ciphertext === undefined || tag === undefined) throw new SecretBoxError('unknown ciphertext format')
      const key = byId.get(id ?? '')
      if (key === undefined) throw new SecretBoxError(`sealed with key ${String(id)}, which is not configured (MFA_ENCRYPTION_KEY)`)
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      const authTag = Buffer.from(tag, 'base64url')
      // GCM would accept a truncated tag (weaker forgery bound): only the full 16 bytes are ours.
      if (authTag.length !== 16) throw new SecretBoxError('unknown ciphertext format')
      decipher.setAuthTag(authTag)
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
      } catch (error) {
        throw new SecretBoxError('ciphertext does not authenticate under its key', { cause: error })
      }
    }
  }
}

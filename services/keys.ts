import { createHash, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { ConfigError } from './config.js'

export const SIGNING_ALGORITHMS = ['HS256', 'EdDSA', 'ES256', 'RS256'] as const
export type SigningAlgorithm = typeof SIGNING_ALGORITHMS[number]

export interface SigningKey {
  kid: string
  alg: SigningAlgorithm
  /** PEM (asymmetric) or the secret itself (HS256): what the signer needs. */
  signingKey: string
  /** PEM (asymmetric) or the secret itself (HS256): what the verifier needs. */
  verifyingKey: string
  /** Public JWK for the JWKS document; null for a shared secret, which is never published. */
  publicJwk: JsonWebKey | null
}

export interface KeySet {
  algorithm: SigningAlgorithm
  /** The newest key: it signs every new token. */
  current: SigningKey
  /** Every configured key, by kid; each verifies until it is removed from the configuration. */
  byKid: ReadonlyMap<string, SigningKey>
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order. */
export function jwkThumbprint (jwk: JsonWebKey): string {
  const required: Record<string, string[]> = { OKP: ['crv', 'kty', 'x'], EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], oct: ['k', 'kty'] }
  const members = required[jwk.kty ?? ''] ?? []
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name as keyof JsonWebKey]])))
  return createHash('sha256').update(canonical).digest('base64url')
}

function keyMatches (alg: SigningAlgorithm, key: KeyObject): boolean {
  const details = key.asymmetricKeyDetails
  switch (alg) {
    case 'EdDSA': return key.asymmetricKeyType === 'ed25519'
    case 'ES256': return key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1'
    case 'RS256': return key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048
    default: return false
  }
}

/** Reads one private key file: a PKCS#8 PEM, or a private JWK (.json) that may name its own kid. */
function readPrivateKey (path: string, alg: SigningAlgorithm): SigningKey {
  const text = readFileSync(path, 'utf8')
  let privateKey: KeyObject
  let givenKid: unknown
  try {
    if (path.endsWith('.json')) {
      const jwk = JSON.parse(text) as JsonWebKey & { kid?: unknown }
      givenKid = jwk.kid
      privateKey = createPrivateKey({ key: jwk, format: 'jwk' })
    } else {
      privateKey = createPrivateKey(text)
    }
  } catch (error) {
    throw new ConfigError(`JWT_PRIVATE_KEYS: ${basename(path)} is not a private key in PEM or JWK form`, { cause: error })
  }
  if (!keyMatches(alg, privateKey)) throw new ConfigError(`JWT_PRIVATE_KEYS: ${basename(path)} is not a key for JWT_ALGORITHM=${alg}`)
  const publicKey = createPublicKey(privateKey)
  const exported = publicKey.export({ format: 'jwk' })
  const kid = typeof givenKid === 'string' && KID_PATTERN.test(givenKid) ? givenKid : jwkThumbprint(exported)
  return {
    kid,
    alg,
    signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    verifyingKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk: { ...exported, kid, alg, use: 'sig' } as JsonWebKey
  }
}

/** A kid we accept at all: short, URL-safe; anything else is simply unknown. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

/** JWT_PRIVATE_KEYS: a directory (files by name, the last signs) or a comma list of files (the last signs). */
function listKeyFiles (source: string): string[] {
  const entries = source.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  if (entries.length === 1 && statSafe(entries[0] as string)?.isDirectory() === true) {
    const dir = entries[0] as string
    return readdirSync(dir).filter((name) => /\.(pem|json)$/.test(name)).sort().map((name) => join(dir, name))
  }
  for (const entry of entries) {
    if (statSafe(entry)?.isFile() !== true) throw new ConfigError(`JWT_PRIVATE_KEYS: ${entry} is not a readable key file or directory`)
  }
  return entries
}

function statSafe (path: string) {
  return statSync(path, { throwIfNoEntry: false })
}

export function loadKeySet ({ algorithm, secret, privateKeys }: { algorithm: SigningAlgorithm, secret: string, privateKeys: string | undefined }): KeySet {
  if (algorithm === 'HS256') {
    const kid = jwkThumbprint(createSecretKey(Buffer.from(secret)).export({ format: 'jwk' }))
    const key: SigningKey = { kid, alg: algorithm, signingKey: secret, verifyingKey: secret, publicJwk: null }
    return { algorithm, current: key, byKid: new Map([[kid, key]]) }
  }
  if (privateKeys === undefined) throw new ConfigError(`JWT_PRIVATE_KEYS must name a key directory or key files when JWT_ALGORITHM=${algorithm} (npm run keys:generate -- --alg ${algorithm})`)
  const keys = listKeyFiles(privateKeys).map((path) => readPrivateKey(path, algorithm))
  const current = keys.at(-1)
  if (current === undefined) throw new ConfigError(`JWT_PRIVATE_KEYS: no .pem or .json key found in ${privateKeys}`)
  return { algorithm, current, byKid: new Map(keys.map((key) => [key.kid, key])) }
}

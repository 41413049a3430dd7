import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { jwkThumbprint, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../services/keys.js'

function generate (alg: Exclude<SigningAlgorithm, 'HS256'>): KeyObject {
  switch (alg) {
    case 'EdDSA': return generateKeyPairSync('ed25519').privateKey
    case 'ES256': return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
    case 'RS256': return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey
  }
}

/**
 * Writes a new PKCS#8 private key into `dir`, named so that it sorts after every older key
 * (the last file by name signs). Returns the path and the kid it will carry.
 */
export function generateKeyFile (alg: SigningAlgorithm, dir: string, at = new Date()): { path: string, kid: string } {
  if (alg === 'HS256') throw new Error('HS256 uses JWT_SECRET, not a key file: openssl rand -base64 48')
  const privateKey = generate(alg)
  const kid = jwkThumbprint(privateKey.export({ format: 'jwk' }))
  const stamp = at.toISOString().replace(/[-:]/g, '')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(resolve(dir), `${stamp}-${alg.toLowerCase()}-${kid.slice(0, 8)}.pem`)
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' })
  return { path, kid }
}

export const keysGenerateHelp = `Usage: npm run keys:generate -- --alg <${SIGNING_ALGORITHMS.filter((alg) => alg !== 'HS256').join('|')}> [--dir keys]

Writes a new private key (PKCS#8 PEM, file mode 0600) into the directory, named so that it sorts
last: point JWT_PRIVATE_KEYS at the directory and the new key signs from the next start, while
older keys in the directory keep verifying until you delete them.`

export function parseKeysGenerateArgs (args: string[]): { alg: SigningAlgorithm, dir: string } {
  let alg: string | undefined
  let dir = 'keys'
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--alg') alg = args[++i]
    else if (arg === '--dir') dir = args[++i] ?? dir
    else throw new Error(`unknown argument ${String(arg)}`)
  }
  if (alg === undefined || !(SIGNING_ALGORITHMS as readonly string[]).includes(alg) || alg === 'HS256') {
    throw new Error('--alg must be EdDSA, ES256 or RS256')
  }
  return { alg: alg as SigningAlgorithm, dir }
}

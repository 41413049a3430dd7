import { createHmac } from 'node:crypto'

/** Hand-made JWTs for attack tests: independent of the library under test. */
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

export function forgeHs (header: Record<string, unknown>, payload: Record<string, unknown>, secret: string, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}

export function forgeUnsigned (payload: Record<string, unknown>, kid?: unknown): string {
  return `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(payload)}.`
}

export function decodePayload (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
}

export function decodeHeader (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>
}

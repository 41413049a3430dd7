import * as crypto from 'node:crypto'

/**
 * SHA-256 as lowercase hex: crypto.hash, the one-shot form (Node.js 20.12 and later, about 4
 * times cheaper than a Hash object for a short string), or createHash where it is missing.
 */
export const sha256Hex: (data: string) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex')

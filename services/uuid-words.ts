/**
 * A lowercase UUID as four 32-bit words, for the tables that keep session ids outside the V8 heap
 * (revocation-table.ts, storage/memory-revocations.ts): 16 bytes of a typed array instead of a
 * string of about 70 bytes that every full garbage collection has to mark.
 */

/** Hex digit value of a UTF-16 code unit, -1 for anything else (uppercase included). */
const HEX_DIGIT = new Int8Array(0x10000).fill(-1)
for (let digit = 0; digit < 16; digit++) HEX_DIGIT['0123456789abcdef'.charCodeAt(digit)] = digit

/** The four 32-bit words of the last id parsed (read at once, never across an await). */
export const uuidWords = new Int32Array(4)

/** Nonzero once hexDigits has met a character that is not a lowercase hex digit. */
let bad = 0

/** Appends the hex digits at [from, to) of id to acc, 4 bits each. */
function hexDigits (id: string, from: number, to: number, acc: number): number {
  for (let i = from; i < to; i++) {
    const digit = HEX_DIGIT[id.charCodeAt(i)] ?? -1
    bad |= digit & -16 // nonzero for -1 only
    acc = (acc << 4) | (digit & 15)
  }
  return acc
}

/** Parses a lowercase 8-4-4-4-12 UUID into `uuidWords`; false for any other string. */
export function parseUuid (id: string): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 ||
    id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false
  bad = 0
  uuidWords[0] = hexDigits(id, 0, 8, 0)
  uuidWords[1] = hexDigits(id, 14, 18, hexDigits(id, 9, 13, 0))
  uuidWords[2] = hexDigits(id, 24, 28, hexDigits(id, 19, 23, 0))
  uuidWords[3] = hexDigits(id, 28, 36, 0)
  return bad === 0
}

/** Character codes of the lowercase hex digits. */
const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1')

/** The characters of the last id formatted, the dashes in place (read at once, never across an await). */
const uuidChars = Buffer.alloc(36, '-')

/** Writes the low `count` hex digits of word at [at, at + count) of uuidChars. */
function putHexDigits (word: number, at: number, count: number): void {
  for (let i = at + count - 1; i >= at; i--) {
    uuidChars[i] = HEX_CODES[word & 15] ?? 0
    word >>>= 4
  }
}

/**
 * The lowercase UUID that parseUuid read into these words: one flat string, read from a buffer of
 * its characters (about 0.1 µs, where concatenating hex pieces took 1.3 µs, Node.js 20).
 */
export function formatUuid (w0: number, w1: number, w2: number, w3: number): string {
  putHexDigits(w0, 0, 8)
  putHexDigits(w1 >>> 16, 9, 4)
  putHexDigits(w1, 14, 4)
  putHexDigits(w2 >>> 16, 19, 4)
  putHexDigits(w2, 24, 4)
  putHexDigits(w3, 28, 8)
  return uuidChars.toString('latin1')
}

/**
 * Mixes all 128 bits (time-ordered UUIDs vary little in their first word) into 32. Not keyed: the
 * ids are the server's own random UUIDs, read from tokens it signed, so no client picks them.
 */
export function hashWords (w0: number, w1: number, w2: number, w3: number): number {
  let h = w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca6b) ^ Math.imul(w3, 0xc2b2ae35)
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return h ^ (h >>> 16)
}

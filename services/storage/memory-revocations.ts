import { flatCopy } from '../ids.js'
import { formatUuid, hashWords, parseUuid, uuidWords } from '../uuid-words.js'
import type { Revocation, RevocationPage } from './types.js'

/**
 * The memory store's revocation records, in columns of typed arrays in the order they were
 * recorded, each numbered by a sequence, so that a sync reads only the records after its cursor
 * (whatever their revokedAt says) and no record is a V8 heap object.
 *
 * Held as objects (the record, two Dates, the id strings, an entry in a Set of ids), a million
 * records took about 369 bytes of heap each, and every full garbage collection had millions of
 * objects to mark: under load, the server holding them spent up to 18 % of its time collecting
 * (bench, rows 7b and 7c, 2026-11-27). Here a record is 57 bytes of columns and two index slots,
 * 68 bytes each at a million; a prune of a million records takes about 30 ms against about 90.
 * Listing costs more: each id is formatted back into a new string, 0.3 to 1 µs a record against
 * 0.15 for copying objects that held theirs. A sync pays that only for the records after its cursor. A
 * full listing (0.4-0.5 s for 500,000) never happens at start-up: the store starts empty with its
 * process.
 *
 * Ids are kept as the four words of a lowercase UUID (uuid-words.ts); an id of any other form is
 * kept as a string in `texts`, its record holding its position there, so every id comes back as
 * it went in. An open-addressing index (linear probing, at most half full) finds a record by its
 * session id, to ignore repeats; session ids that are not UUIDs are in a Set instead. A prune
 * moves the live records forward and rewrites the positions in the index in one pass, leaving the
 * slots of the pruned ones DELETED until a rebuild.
 */

/** Int32 words per record: the session id's four, then the user id's four. */
const WORDS = 8
/** Flag bits of a record whose session id, or user id, is in `texts`. */
const SESSION_AS_TEXT = 1
const USER_AS_TEXT = 2
/** Records a new log has room for. */
const MIN_CAPACITY = 1024
/** Index slot states; any other value is the position of a record. */
const EMPTY = -1
const DELETED = -2

export interface RevocationLog {
  /** Adds the record, numbered after every earlier one, unless its session is already recorded; false for a repeat. */
  add (revocation: Revocation): boolean
  /** Copies of the records numbered after `cursor` and alive at `now`, in record order, and the last number given. */
  listAfter (cursor: number, now: number): RevocationPage
  /** Drops every record expired at `now`, wherever it is; returns how many went. */
  prune (now: number): number
  readonly size: number
  /** Bytes of the typed arrays (the strings of ids that are not UUIDs are on the heap and not counted). */
  readonly byteLength: number
}

/** The smallest power of two with room for `size` records, and at least the minimum. */
function capacityFor (size: number): number {
  let room = MIN_CAPACITY
  while (room < size) room *= 2
  return room
}

export function createRevocationLog (): RevocationLog {
  let capacity = MIN_CAPACITY
  let length = 0
  /** The number of the newest record ever added (records keep theirs; pruning leaves gaps). */
  let lastSequence = 0
  let sequences = new Float64Array(capacity)
  let revokedAt = new Float64Array(capacity)
  let expiresAt = new Float64Array(capacity)
  let ids = new Int32Array(capacity * WORDS)
  let flags = new Uint8Array(capacity)
  let texts: string[] = []
  let index = new Int32Array(capacity * 2).fill(EMPTY)
  /** Slots of the index left DELETED by prunes; the index is rebuilt before they fill it. */
  let deletedSlots = 0
  const textSessions = new Set<string>()

  /** The index slot of the record with this UUID session id, or the empty slot where it would go (as ~slot). */
  function find (w0: number, w1: number, w2: number, w3: number): number {
    const mask = index.length - 1
    for (let slot = hashWords(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const position = index[slot] ?? EMPTY
      if (position === EMPTY) return ~slot
      if (position === DELETED) continue
      const at = position * WORDS
      if (ids[at] === w0 && ids[at + 1] === w1 && ids[at + 2] === w2 && ids[at + 3] === w3) return slot
    }
  }

  function rebuildIndex (): void {
    index = new Int32Array(capacity * 2).fill(EMPTY)
    deletedSlots = 0
    for (let position = 0; position < length; position++) {
      if (((flags[position] ?? 0) & SESSION_AS_TEXT) !== 0) continue
      const at = position * WORDS
      index[~find(ids[at] ?? 0, ids[at + 1] ?? 0, ids[at + 2] ?? 0, ids[at + 3] ?? 0)] = position
    }
  }

  /** Moves the records into columns with room for `newCapacity` of them. */
  function resize (newCapacity: number): void {
    const newSequences = new Float64Array(newCapacity)
    newSequences.set(sequences.subarray(0, length))
    sequences = newSequences
    const newRevokedAt = new Float64Array(newCapacity)
    const newExpiresAt = new Float64Array(newCapacity)
    const newIds = new Int32Array(newCapacity * WORDS)
    const newFlags = new Uint8Array(newCapacity)
    newRevokedAt.set(revokedAt.subarray(0, length))
    newExpiresAt.set(expiresAt.subarray(0, length))
    newIds.set(ids.subarray(0, length * WORDS))
    newFlags.set(flags.subarray(0, length))
    revokedAt = newRevokedAt
    expiresAt = newExpiresAt
    ids = newIds
    flags = newFlags
    capacity = newCapacity
    rebuildIndex()
  }

  /** The first position whose record is numbered after `cursor`. */
  function positionAfter (cursor: number): number {
    let low = 0
    let high = length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((sequences[middle] ?? 0) <= cursor) low = middle + 1
      else high = middle
    }
    return low
  }

  /** Stores an id at word `at` of the ids: its four words, or its position in `texts`; true for a text. */
  function storeId (id: string, at: number): boolean {
    if (parseUuid(id)) {
      ids.set(uuidWords, at)
      return false
    }
    ids[at] = texts.push(flatCopy(id)) - 1
    return true
  }

  function idAt (at: number, asText: boolean): string {
    if (asText) return texts[ids[at] ?? 0] ?? ''
    return formatUuid(ids[at] ?? 0, ids[at + 1] ?? 0, ids[at + 2] ?? 0, ids[at + 3] ?? 0)
  }

  function recordAt (position: number): Revocation {
    const at = position * WORDS
    const flag = flags[position] ?? 0
    return {
      sessionId: idAt(at, (flag & SESSION_AS_TEXT) !== 0),
      userId: idAt(at + 4, (flag & USER_AS_TEXT) !== 0),
      revokedAt: new Date(revokedAt[position] ?? 0),
      expiresAt: new Date(expiresAt[position] ?? 0)
    }
  }

  /** Moves the records at [from, to) to start at `target` (at or before `from`). */
  function moveRecords (from: number, to: number, target: number): void {
    if (target === from) return
    sequences.copyWithin(target, from, to)
    revokedAt.copyWithin(target, from, to)
    expiresAt.copyWithin(target, from, to)
    flags.copyWithin(target, from, to)
    ids.copyWithin(target * WORDS, from * WORDS, to * WORDS)
  }

  /** Keeps in `texts` only the strings the records still point at. */
  function renumberTexts (): void {
    const keptTexts: string[] = []
    for (let position = 0; position < length; position++) {
      const flag = flags[position] ?? 0
      const at = position * WORDS
      if ((flag & SESSION_AS_TEXT) !== 0) ids[at] = keptTexts.push(idAt(at, true)) - 1
      if ((flag & USER_AS_TEXT) !== 0) ids[at + 4] = keptTexts.push(idAt(at + 4, true)) - 1
    }
    texts = keptTexts
  }

  /** Whether a record for this session is held (leaves a UUID's words in uuidWords). */
  function holds (sessionId: string): boolean {
    if (!parseUuid(sessionId)) return textSessions.has(sessionId)
    return find(uuidWords[0] ?? 0, uuidWords[1] ?? 0, uuidWords[2] ?? 0, uuidWords[3] ?? 0) >= 0
  }

  return {
    add ({ sessionId, userId, revokedAt: revoked, expiresAt: expires }) {
      if (holds(sessionId)) return false
      if (length === capacity) resize(capacity * 2)
      else if (length + deletedSlots >= capacity) rebuildIndex()
      const position = length
      const at = position * WORDS
      let flag = 0
      if (storeId(sessionId, at)) {
        flag |= SESSION_AS_TEXT
        textSessions.add(sessionId)
      } else {
        index[~find(ids[at] ?? 0, ids[at + 1] ?? 0, ids[at + 2] ?? 0, ids[at + 3] ?? 0)] = position
      }
      if (storeId(userId, at + 4)) flag |= USER_AS_TEXT
      flags[position] = flag
      sequences[position] = ++lastSequence
      revokedAt[position] = revoked.getTime()
      expiresAt[position] = expires.getTime()
      length++
      return true
    },

    listAfter (cursor, now) {
      const revocations: Revocation[] = []
      for (let position = positionAfter(cursor); position < length; position++) {
        if ((expiresAt[position] ?? 0) > now) revocations.push(recordAt(position))
      }
      return { revocations, cursor: lastSequence }
    },

    prune (now) {
      let kept = 0
      for (let position = 0; position < length; position++) {
        if ((expiresAt[position] ?? 0) > now) kept++
      }
      const expired = length - kept
      if (expired === 0) return 0
      // Moves each run of live records forward in one copy per column, noting where each went.
      const movedTo = new Int32Array(length)
      let position = 0
      kept = 0
      while (position < length) {
        if (!((expiresAt[position] ?? 0) > now)) {
          movedTo[position] = DELETED
          if (((flags[position] ?? 0) & SESSION_AS_TEXT) !== 0) textSessions.delete(idAt(position * WORDS, true))
          position++
          continue
        }
        const start = position
        while (position < length && (expiresAt[position] ?? 0) > now) {
          movedTo[position] = kept + position - start
          position++
        }
        moveRecords(start, position, kept)
        kept += position - start
      }
      length = kept
      if (texts.length > 0) renumberTexts()
      if (capacityFor(length * 2) < capacity) {
        resize(capacityFor(length * 2))
        return expired
      }
      // One pass over the index: no key moves, so every probe sequence stays as it was.
      for (let slot = 0; slot < index.length; slot++) {
        const held = index[slot] ?? EMPTY
        if (held < 0) continue
        const to = movedTo[held] ?? DELETED
        index[slot] = to
        if (to === DELETED) deletedSlots++
      }
      return expired
    },

    get size () { return length },
    get byteLength () { return sequences.byteLength + revokedAt.byteLength + expiresAt.byteLength + ids.byteLength + flags.byteLength + index.byteLength }
  }
}

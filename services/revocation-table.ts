import { flatCopy } from './ids.js'
import { hashWords, parseUuid, uuidWords as words } from './uuid-words.js'

/**
 * The revoked session ids the guard checks on every request, each with the time the session's
 * last access token expires, held in typed arrays outside the V8 heap.
 *
 * Session ids are lowercase UUIDs (newId): one is kept as its 128 bits, 16 bytes, next to an
 * 8-byte expiry and two 4-byte index slots: 34 bytes per revoked session at a million, where a
 * Map held each id's string and entry in about 100 bytes of heap (bench, row 7b), and a full
 * garbage collection had a million strings to mark. An id of any other form (a template's own
 * ids, uppercase hex) goes to an ordinary Map beside the table, so every string keeps the
 * exact-match meaning it had.
 *
 * Layout: entries sit in insertion order (revocation order, close to expiry order) between head
 * and tail, and an open-addressing index (linear probing, at most half full) points at them.
 * Pruning drops entries from the head, leaving a tombstone in the index; when the tail reaches
 * the end, everything alive is copied into arrays sized for it and the index is rebuilt.
 */

/** Index slot states; any other value is the number of an entry. */
const EMPTY = -1
const DELETED = -2
/** Entries a new table has room for: 32 KiB of arrays. */
const MIN_CAPACITY = 1024
/** A table this much emptier than its room after a prune is copied into a smaller one. */
const SHRINK_BELOW = 1 / 8

export interface RevocationTable {
  has (sessionId: string): boolean
  /** Records a revoked session; one already recorded keeps its first expiry. */
  add (sessionId: string, expiresAt: number): void
  /** Drops entries from the oldest forward, stopping at the first that is still alive at `at`. */
  pruneExpired (at: number): void
  readonly size: number
  /** Bytes of the typed arrays (the Map of other ids is on the heap and not counted). */
  readonly byteLength: number
}

export function createRevocationTable (): RevocationTable {
  let capacity = MIN_CAPACITY
  let ids = new Int32Array(capacity * 4)
  let expiries = new Float64Array(capacity)
  let index = new Int32Array(capacity * 2).fill(EMPTY)
  let mask = index.length - 1
  let head = 0
  let tail = 0
  /** Ids that are not lowercase UUIDs, in insertion order. */
  const others = new Map<string, number>()

  /** The index slot holding the entry with these words, or the empty slot where it would go (as ~slot). */
  function find (w0: number, w1: number, w2: number, w3: number): number {
    for (let slot = hashWords(w0, w1, w2, w3) & mask; ; slot = (slot + 1) & mask) {
      const entry = index[slot] ?? EMPTY
      if (entry === EMPTY) return ~slot
      if (entry === DELETED) continue
      const at = entry * 4
      if (ids[at] === w0 && ids[at + 1] === w1 && ids[at + 2] === w2 && ids[at + 3] === w3) return slot
    }
  }

  function findParsed (): number {
    return find(words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0)
  }

  /** The index slot of entry number `entry`. */
  function slotOfEntry (entry: number): number {
    const at = entry * 4
    return find(ids[at] ?? 0, ids[at + 1] ?? 0, ids[at + 2] ?? 0, ids[at + 3] ?? 0)
  }

  /** Copies the live entries into arrays with room for `newCapacity` and rebuilds the index. */
  function resize (newCapacity: number): void {
    const size = tail - head
    const newIds = new Int32Array(newCapacity * 4)
    newIds.set(ids.subarray(head * 4, tail * 4))
    const newExpiries = new Float64Array(newCapacity)
    newExpiries.set(expiries.subarray(head, tail))
    ids = newIds
    expiries = newExpiries
    capacity = newCapacity
    index = new Int32Array(newCapacity * 2).fill(EMPTY)
    mask = index.length - 1
    head = 0
    tail = 0
    for (let entry = 0; entry < size; entry++) index[~slotOfEntry(entry)] = entry
    tail = size
  }

  /** The smallest power of two with room for twice `size` entries, and at least the minimum. */
  function capacityFor (size: number): number {
    let room = MIN_CAPACITY
    while (room < size * 2) room *= 2
    return room
  }

  function append (slot: number, expiresAt: number): void {
    index[slot] = tail
    ids.set(words, tail * 4)
    expiries[tail] = expiresAt
    tail++
  }

  function pruneOthers (at: number): void {
    for (const [sessionId, expiresAt] of others) {
      if (expiresAt > at) break
      others.delete(sessionId)
    }
  }

  return {
    has (sessionId) {
      if (!parseUuid(sessionId)) return others.has(sessionId)
      return findParsed() >= 0
    },
    add (sessionId, expiresAt) {
      if (!parseUuid(sessionId)) {
        if (others.has(sessionId)) return
        others.set(flatCopy(sessionId), expiresAt) // held flat, not as the pieces it was built from
        return
      }
      if (findParsed() >= 0) return
      if (tail === capacity) resize(capacityFor(tail - head))
      append(~findParsed(), expiresAt)
    },
    pruneExpired (at) {
      pruneOthers(at)
      while (head < tail && !((expiries[head] ?? 0) > at)) {
        index[slotOfEntry(head)] = DELETED
        head++
      }
      if (capacity > MIN_CAPACITY && tail - head < capacity * SHRINK_BELOW) resize(capacityFor(tail - head))
    },
    get size () { return tail - head + others.size },
    get byteLength () { return ids.byteLength + expiries.byteLength + index.byteLength }
  }
}

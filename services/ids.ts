import { randomUUID } from 'node:crypto'

/**
 * A random UUID (v4) for a record that stays in memory (users, sessions). randomUUID() builds
 * its string by concatenation, which V8 keeps as a tree of the pieces: about 490 bytes per id
 * held, against about 70 once flat (measured with 200,000 ids and a full GC). Reading one
 * character flattens the string in place.
 */
export function newId (): string {
  const id = randomUUID()
  id.charCodeAt(0)
  return id
}

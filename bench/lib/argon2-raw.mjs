// @ts-check
/**
 * The raw argon2id rate: the hashing library called directly, with the product's parameters
 * (imported from the compiled services/password.js), `concurrency` operations in flight, its
 * hashing threads at the priority the server gives its own. A child of the benchmark, pinned like
 * a server, that answers over IPC:
 *
 *   node bench/lib/argon2-raw.mjs <concurrency> <distDir>
 *   → { id, op: 'hash' | 'verify', seconds }   ← { id, op, completed, seconds, rate }
 *
 * Counts operations that complete inside the window, as autocannon counts responses.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import argon2 from '@node-rs/argon2'
import './exit-with-parent.mjs'

const [concurrencyArg = '4', distDir = 'dist'] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const { OWASP_ARGON2ID, lowerHashingThreadPriority } = await import(pathToFileURL(join(distDir, 'services', 'password.js')).href)
const options = { ...OWASP_ARGON2ID, algorithm: 2 } // Algorithm.Argon2id, as services/password.ts
const password = 'correct horse: battery staple'
const stored = String(await argon2.hash(password, options))
// The server runs its hashing threads below its event loop (services/password.ts): the same here,
// so that other load on the machine takes as much from one as from the other.
lowerHashingThreadPriority?.()

const operations = {
  hash: () => argon2.hash(password, options),
  verify: async () => { if (!await argon2.verify(stored, password)) throw new Error('verify failed') }
}

/** @param {'hash' | 'verify'} op @param {number} seconds */
async function run (op, seconds) {
  const once = operations[op]
  const end = performance.now() + seconds * 1000
  let completed = 0
  async function worker () {
    while (performance.now() < end) {
      await once()
      if (performance.now() <= end) completed++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { op, completed, seconds, rate: completed / seconds }
}

process.on('message', (/** @type {{ id: number, op: 'hash' | 'verify', seconds: number }} */ message) => {
  run(message.op, message.seconds).then(
    (result) => process.send?.({ id: message.id, ok: true, result }),
    (error) => process.send?.({ id: message.id, ok: false, error: String(error) })
  )
})
// Unlike a server, nothing else keeps this process alive: the channel does, until SIGTERM.
process.channel?.ref()
process.send?.({ ready: true })

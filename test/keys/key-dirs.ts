import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyFile } from '../../cli/keys.js'
import type { SigningAlgorithm } from '../../services/keys.js'

/** A fresh key directory with `count` keys of one algorithm, removed when the test ends. */
export function keyDir (t: { teardown (fn: () => void): void }, alg: SigningAlgorithm, count = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'auth-keys-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const keys = Array.from({ length: count }, (_, i) => generateKeyFile(alg, dir, new Date(Date.UTC(2030, 0, 1 + i))))
  return { dir, keys }
}

export const ASYMMETRIC: SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256']

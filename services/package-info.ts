import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface PackageInfo { name: string, version: string }

/** Reads the nearest package.json above this file (works from sources and from dist/). */
export function readPackageInfo (from = import.meta.dirname): PackageInfo {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) return { name: 'unknown', version: '0.0.0' }
    dir = parent
  }
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageInfo
  return { name, version }
}

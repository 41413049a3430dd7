import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import t from 'tap'
import { PROJECT_ROOT } from '../e2e/server-process.js'

interface PackageJson { name: string, version: string, engines?: { node?: unknown } }

const readPackage = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson

/** Every installed package (nested node_modules included), as npm sees them when it warns EBADENGINE. */
function installedPackages (dir: string, found: PackageJson[] = []): PackageJson[] {
  if (!existsSync(dir)) return found
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue
    const path = join(dir, name)
    if (name.startsWith('@')) {
      installedPackages(path, found)
      continue
    }
    if (existsSync(join(path, 'package.json'))) found.push(readPackage(path))
    installedPackages(join(path, 'node_modules'), found)
  }
  return found
}

/** The oldest release of each major version our engines range allows (20.19.0, 22.13.0, 24.0.0 today). */
function oldestSupported (range: string): string[] {
  const oldestPerAlternative = new semver.Range(range).set
    .map((comparators) => semver.minVersion(comparators.map((comparator) => comparator.value).join(' '))?.version)
    .filter((version): version is string => version !== undefined)
  return ['20', '22', '24'].map((major) => oldestPerAlternative.filter((version) => semver.major(version) === Number(major)).sort(semver.compare)[0] ?? `${major}.x not allowed`)
}

t.test('every installed package supports the oldest Node.js of each major version our engines range allows (no EBADENGINE on a supported version)', async (t) => {
  const range = readPackage(PROJECT_ROOT).engines?.node
  if (typeof range !== 'string') throw new Error('package.json has no engines.node')
  const versions = oldestSupported(range)
  t.same(versions, ['20.19.0', '22.13.0', '24.0.0'], `engines.node ${range}: the oldest Node.js of each supported major`)
  const packages = installedPackages(join(PROJECT_ROOT, 'node_modules'))
  t.ok(packages.length > 100, `read ${packages.length} installed packages`)
  const refusing = packages.flatMap(({ name, version, engines }) => {
    const wanted = engines?.node
    if (typeof wanted !== 'string') return []
    return versions.filter((node) => !semver.satisfies(node, wanted)).map((node) => `${name}@${version} wants node ${wanted}: not ${node}`)
  })
  // A dependency that moved to a newer Node.js: override it back to its last major version that
  // supports ours (package.json "overrides"), or narrow our engines range and say so in the README.
  t.same(refusing, [], 'no installed package refuses a supported Node.js version')
})

import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

/** The folders and files tsconfig.build.json compiles into dist/. */
const COMPILED = ['app', 'server', 'cli', 'plugins', 'routes', 'services', 'schemas']
const OUTPUT = /\.js(\.map)?$/

function * outputs (dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * outputs(path)
    else if (OUTPUT.test(entry.name)) yield path
  }
}

/**
 * Deletes the compiled files in dist/ whose TypeScript source is gone. The compiler never removes
 * them, and the autoloader would go on serving a route or running a plugin whose file was deleted
 * or renamed. Returns the removed files, relative to the project.
 */
export function pruneDist (root: string): string[] {
  const dist = join(root, 'dist')
  const removed: string[] = []
  for (const name of COMPILED) {
    const candidates = existsSync(join(dist, name)) ? [...outputs(join(dist, name))] : [`${name}.js`, `${name}.js.map`].map((file) => join(dist, file))
    for (const output of candidates) {
      if (!existsSync(output)) continue
      const source = join(root, relative(dist, output).replace(OUTPUT, '.ts'))
      if (existsSync(source)) continue
      rmSync(output)
      removed.push(relative(root, output))
      removeEmptyFolders(dirname(output), dist)
    }
  }
  return removed
}

/** An emptied folder would still be a URL prefix to the autoloader: removed up to dist/. */
function removeEmptyFolders (dir: string, dist: string): void {
  for (let current = dir; current !== dist && readdirSync(current).length === 0; current = dirname(current)) rmdirSync(current)
}

if (process.argv[1] === import.meta.filename) {
  for (const file of pruneDist(process.cwd())) process.stdout.write(`removed ${file} (its source is gone)\n`)
}

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import t from 'tap'
import { EnvSchema } from '../../schemas/env.js'

const EXAMPLE = join(import.meta.dirname, '..', '..', '.env.example')
/** `# NAME=value   # comment` (commented out: the default) or `NAME=value`. */
const ENTRY = /^#?\s?([A-Z][A-Z0-9_]*)=(\S*)/

function documented (): Map<string, string> {
  const entries = new Map<string, string>()
  for (const line of readFileSync(EXAMPLE, 'utf8').split('\n')) {
    const match = ENTRY.exec(line)
    if (match !== null) entries.set(match[1] as string, match[2] as string)
  }
  return entries
}

t.test('.env.example - lists every variable of schemas/env.ts with its default, and nothing else', async (t) => {
  const entries = documented()
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const fallback = (schema as { default?: unknown }).default
    const line = `# ${name}=${fallback === undefined ? '' : String(fallback)}`
    t.equal(entries.get(name), fallback === undefined ? '' : String(fallback), `${name}: add or fix the line "${line}" in .env.example`)
  }
  t.same([...entries.keys()].filter((name) => !(name in EnvSchema.properties)), [], 'no variable the server does not read')
})

t.test('.env.example - copied to .env as it is, it sets nothing', async (t) => {
  t.same(parseEnv(readFileSync(EXAMPLE, 'utf8')), {}, 'every line is commented out: the defaults apply')
})

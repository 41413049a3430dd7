import type { TSchema } from 'typebox'

interface PropertySchema { type?: unknown, anyOf?: Array<{ const?: unknown }>, default?: unknown }

type Properties = Record<string, TSchema>

/** The literal values a variable accepts (JWT_ALGORITHM, LOG_LEVEL, ...), or null when it is not a list. */
export function allowedValues (schema: TSchema | undefined): string[] | null {
  const { anyOf } = (schema ?? {}) as PropertySchema
  if (anyOf === undefined || !anyOf.every((member) => typeof member.const === 'string')) return null
  return anyOf.map((member) => member.const as string)
}

/**
 * An integer variable must be written as one: "1e3", "3000.5", "0x10" or " 3000" would otherwise
 * be converted (to 1000, 3000, 16, 3000) and a typo would start a server on a port nobody chose.
 */
export function nonIntegerError (properties: Properties, picked: Record<string, string>): string | null {
  for (const [name, raw] of Object.entries(picked)) {
    const schema = properties[name] as PropertySchema | undefined
    if (schema?.type === 'integer' && !/^-?\d+$/.test(raw)) {
      return `Invalid environment variable ${name}: must be a whole number in digits, like ${String(schema.default ?? 0)} (got ${JSON.stringify(raw)})`
    }
  }
  return null
}

/** "Invalid environment variable NAME: what is wrong (the allowed values when there is a list) (got ...)". */
export function describeEnvError (properties: Properties, name: string, message: string, raw: string | undefined): string {
  const allowed = allowedValues(properties[name])
  const boolean = (properties[name] as PropertySchema | undefined)?.type === 'boolean'
  const what = allowed !== null ? `must be one of ${allowed.join(', ')}` : boolean ? 'must be true or false' : message
  return `Invalid environment variable ${name}: ${what} (got ${JSON.stringify(raw ?? null)})`
}

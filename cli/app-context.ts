import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import app from '../app.js'
import { loadConfig } from '../services/config.js'
import { startupEnvironment } from '../services/startup-env.js'
import { isProcessLocalStorage } from '../services/storage/url.js'

/** Thrown for a wrong invocation: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * Runs `work` with the same plugins and services as the server (same STORAGE_URL, same rules),
 * without listening, and closes everything afterwards.
 */
export async function withApp<T> (work: (fastify: FastifyInstance) => Promise<T>): Promise<T> {
  // The server's own environment (.env, the local development secret): no warning about a
  // random JWT_SECRET, and a user created here logs in on the server.
  const { env } = startupEnvironment(process.env, process.cwd())
  const config = loadConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn', RATE_LIMIT_AUTH_MAX: '0' })
  if (isProcessLocalStorage(config.STORAGE_URL)) {
    throw new UsageError(`STORAGE_URL is ${config.STORAGE_URL}, which lives inside one server process: point STORAGE_URL at your server's SQLite file or database`)
  }
  const fastify = Fastify({ logger: { level: config.LOG_LEVEL }, pluginTimeout: 60_000 })
  await fastify.register(fp(app), { config })
  await fastify.ready()
  try {
    return await work(fastify)
  } finally {
    await fastify.close()
  }
}

/** `--name value` pairs; every name must be known, every value present. */
export function parseOptions (args: string[], known: string[]): Record<string, string> {
  const options: Record<string, string> = {}
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '') ?? ''
    const value = args[i + 1]
    if (!args[i]?.startsWith('--') || !known.includes(name)) throw new UsageError(`unknown argument ${String(args[i])} (known: ${known.map((k) => `--${k}`).join(' ')})`)
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`)
    options[name] = value
  }
  return options
}

export function required (options: Record<string, string>, name: string): string {
  const value = options[name]
  if (value === undefined) throw new UsageError(`--${name} is required`)
  return value
}

/** The password from standard input: typed at a hidden prompt on a terminal, else read whole (one line). */
export async function readPassword (): Promise<string> {
  const { stdin, stderr } = process
  if (stdin.isTTY) {
    stderr.write('Password: ')
    stdin.setRawMode(true)
    let typed = ''
    try {
      for await (const chunk of stdin) {
        for (const char of String(chunk)) {
          if (char === '\r' || char === '\n') return typed
          if (char === '\u0003') throw new UsageError('cancelled')
          typed = char === '\u007f' ? typed.slice(0, -1) : typed + char
        }
      }
    } finally {
      stdin.setRawMode(false)
      stderr.write('\n')
    }
    return typed
  }
  let piped = ''
  for await (const chunk of stdin) piped += String(chunk)
  return piped.replace(/\r?\n$/, '')
}

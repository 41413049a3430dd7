import type { FastifyInstance } from 'fastify'
import { build, PASSWORD, uniqueName, type BuildOptions } from '../helper.js'
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.js'

export const PUBLIC_URL = 'https://auth.example.test'

/** An app whose mail goes over real SMTP to an in-process capture server. */
export async function buildWithMail (t: Parameters<typeof build>[0] & { teardown (fn: () => unknown): void }, options: BuildOptions = {}): Promise<{ app: FastifyInstance, smtp: SmtpCapture }> {
  const smtp = await startSmtpCapture(t)
  const app = await build(t, { ...options, env: { SMTP_URL: smtp.url, PUBLIC_URL, ...options.env } })
  return { app, smtp }
}

let mailbox = 0
/** An address no other test uses. */
export function uniqueEmail (prefix = 'user'): string {
  mailbox += 1
  return `${prefix}.${process.pid}.${mailbox}@example.test`
}

/** Registers a user with an address; the verification mail it triggers is left in the capture. */
export async function registerWithEmail (app: FastifyInstance, email = uniqueEmail(), username = uniqueName()) {
  const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { username, password: PASSWORD, email } })
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`)
  return { id: (res.json() as { id: string }).id, username, email, password: PASSWORD }
}

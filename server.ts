import cluster from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import app, { serverOptions } from './app.js'
import { assertClusterable, runPrimary, SHUTDOWN_MESSAGE, workerEnvironment } from './services/cluster.js'
import { loadConfig, type AppConfig } from './services/config.js'
import { describeStartupFailure } from './services/startup-failure.js'
import { startupEnvironment } from './services/startup-env.js'

const GRACE_MS = 10_000

/** Every start-up failure ends here: one line naming the variable and the fix; the stack only at LOG_LEVEL=debug. */
function refuseToStart (error: unknown, env: { STORAGE_URL: string, HOST: string, PORT: number, LOG_LEVEL?: string }): never {
  process.stderr.write(`Refusing to start: ${describeStartupFailure(error, env)}\n`)
  if ((env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`)
  process.exit(1)
}

function readConfig (): { config: AppConfig, notes: string[] } {
  try {
    const { env, notes } = startupEnvironment(process.env, process.cwd())
    const config = loadConfig(env)
    assertClusterable(config)
    return { config, notes }
  } catch (error) {
    // No validated config yet: a ConfigError names its variable itself.
    refuseToStart(error, { STORAGE_URL: process.env.STORAGE_URL ?? '', HOST: process.env.HOST ?? '', PORT: Number(process.env.PORT), LOG_LEVEL: process.env.LOG_LEVEL })
  }
}

/** One server: Fastify(options) -> app -> close-with-grace -> listen. A cluster worker runs this too. */
async function serve (config: AppConfig, notes: string[]): Promise<void> {
  const server = Fastify(serverOptions(config))
  for (const note of notes) server.log.info(note)
  let closing = false
  // A request in flight at shutdown is answered with `Connection: close`: its keep-alive socket
  // ends with the reply instead of idling until keepAliveTimeout (72 s) outlasts the grace period.
  server.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  try {
    await server.register(fp(app), { config })
  } catch (error) {
    refuseToStart(error, config)
  }

  const closer = closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
    closing = true
    if (err !== undefined) server.log.error({ err }, 'closing after an uncaught error')
    else server.log.info({ signal }, 'closing: finishing in-flight requests')
    await server.close()
  })
  // A worker closes when its primary asks (a signal to the primary, see services/cluster.ts).
  if (cluster.isWorker) process.on('message', (message) => { if (message === SHUTDOWN_MESSAGE && !closing) closer.close() })

  try {
    await server.listen({ host: config.HOST, port: config.PORT })
  } catch (error) {
    refuseToStart(error, config)
  }
}

const { config, notes } = readConfig()
if (cluster.isPrimary && config.WEB_CONCURRENCY > 1) {
  runPrimary({ workers: config.WEB_CONCURRENCY, graceMs: GRACE_MS, env: workerEnvironment(config) })
} else {
  await serve(config, notes)
}

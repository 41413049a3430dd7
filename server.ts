import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import app, { serverOptions } from './app.js'
import { ConfigError, loadConfig, type AppConfig } from './services/config.js'

const GRACE_MS = 10_000

function readConfig (): AppConfig {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`Refusing to start: ${error.message}\n`)
    process.exit(1)
  }
}

const config = readConfig()
const server = Fastify(serverOptions(config))
await server.register(fp(app), { config })

closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
  if (err !== undefined) server.log.error({ err }, 'closing after an uncaught error')
  else server.log.info({ signal }, 'closing: finishing in-flight requests')
  await server.close()
})

try {
  await server.listen({ host: config.HOST, port: config.PORT })
} catch (error) {
  server.log.error({ err: error }, error instanceof ConfigError ? error.message : 'could not start')
  process.exit(1)
}

import type { MySQLPromisePool } from '@fastify/mysql'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { connectWithRetry } from '../services/connect-retry.js'
import { mongoClientOptions, mysqlPoolOptions, type StorageSettings } from '../services/storage/driver-options.js'
import { createMemoryStore } from '../services/storage/memory.js'
import type { Store } from '../services/storage/types.js'
import { parseStorageUrl, type StorageTarget } from '../services/storage/url.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

type Target<Kind> = Extract<StorageTarget, { kind: Kind }>

// The drivers are loaded only for the adapter STORAGE_URL names: a memory-storage server that
// loads neither mysql2 nor the MongoDB driver starts about 10 MiB smaller (RSS, measured with ps).

/**
 * Start-up waits for a database that is not up yet (a container started before it): one test
 * connection, retried with backoff for STORAGE_CONNECT_TIMEOUT_MS, each attempt logged. A wrong
 * password or an unknown database fails at once; server.ts turns either into a refusal.
 */
async function waitForDatabase (fastify: FastifyInstance, redacted: string, connect: () => Promise<{ close (): Promise<void> }>): Promise<void> {
  const connection = await connectWithRetry(connect, {
    timeoutMs: fastify.config.STORAGE_CONNECT_TIMEOUT_MS,
    onRetry: (attempt, code, waitMs) => fastify.log.warn({ target: redacted, attempt, code, retryInMs: waitMs }, 'storage: database not reachable yet, retrying')
  })
  await connection.close()
}

/** @fastify/mysql with `promise: true`, then the migrations, then the store. */
async function openMysql (fastify: FastifyInstance, target: Target<'mysql'>, settings: StorageSettings): Promise<Store> {
  const { createConnection } = await import('mysql2/promise')
  await waitForDatabase(fastify, target.redacted, async () => {
    const connection = await createConnection({ uri: target.url, connectTimeout: settings.timeoutMs })
    return { close: () => connection.end() }
  })
  const [{ default: fastifyMysql }, { migrateMysql }, { createMysqlStore }] = await Promise.all([
    import('@fastify/mysql'),
    import('../services/storage/mysql-migrations.js'),
    import('../services/storage/mysql.js')
  ])
  await fastify.register(fastifyMysql, { promise: true, ...mysqlPoolOptions(target.url, settings) })
  // @fastify/mysql declares no type for its decorator (its shape depends on the options).
  const { pool } = (fastify as FastifyInstance & { mysql: MySQLPromisePool }).mysql
  const applied = await migrateMysql(pool, { database: target.database })
  if (applied.length > 0) fastify.log.info({ versions: applied }, 'storage: MySQL migrations applied')
  return createMysqlStore(pool, { timeoutMs: settings.timeoutMs })
}

/** @fastify/mongodb (closed with the server), then the indexes, then the store. */
async function openMongo (fastify: FastifyInstance, target: Target<'mongodb'>, settings: StorageSettings): Promise<Store> {
  const { MongoClient } = await import('mongodb')
  await waitForDatabase(fastify, target.redacted, async () => {
    const client = await new MongoClient(target.url, mongoClientOptions(settings)).connect()
    return { close: () => client.close() }
  })
  const [{ default: fastifyMongodb }, { ensureMongoIndexes }, { createMongoStore }] = await Promise.all([
    import('@fastify/mongodb'),
    import('../services/storage/mongodb-collections.js'),
    import('../services/storage/mongodb.js')
  ])
  await fastify.register(fastifyMongodb, { forceClose: true, url: target.url, database: target.database, ...mongoClientOptions(settings) })
  const { db } = fastify.mongo
  if (db === undefined) throw new Error(`storage: no MongoDB database selected for ${target.redacted}`)
  const { ttl } = await ensureMongoIndexes(db)
  if (!ttl) fastify.log.warn('storage: this MongoDB server has no TTL indexes; expired records are deleted by the periodic prune job')
  return createMongoStore(db, { timeoutMs: settings.timeoutMs })
}

/** Picks the adapter from STORAGE_URL; the drivers' plugins close their pools with the server. */
export default fp(async (fastify) => {
  const { config } = fastify
  const target = parseStorageUrl(config.STORAGE_URL)
  const settings: StorageSettings = { poolSize: config.STORAGE_POOL_SIZE, timeoutMs: config.STORAGE_TIMEOUT_MS }
  let store: Store
  switch (target.kind) {
    case 'memory':
      store = createMemoryStore()
      break
    case 'mysql':
      store = await openMysql(fastify, target, settings)
      break
    case 'mongodb':
      store = await openMongo(fastify, target, settings)
      break
  }
  fastify.decorate('store', store)
  fastify.addHook('onClose', () => store.close())
  // Only the redacted URL: never the credentials.
  fastify.log.info({ storage: target.kind, target: target.kind === 'memory' ? 'memory://' : target.redacted }, 'storage ready')
}, { name: 'storage', dependencies: ['config'] })

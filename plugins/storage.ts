import type { MySQLPromisePool } from '@fastify/mysql'
import type { PostgresDb } from '@fastify/postgres'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { connectWithRetry } from '../services/connect-retry.js'
import { mongoClientOptions, mysqlPoolOptions, postgresPoolOptions, type StorageSettings } from '../services/storage/driver-options.js'
import { createMemoryStore } from '../services/storage/memory.js'
import type { SqlAccess, SqlDatabase } from '../services/storage/sql/open.js'
import type { Store } from '../services/storage/types.js'
import { parseStorageUrl, type StorageTarget } from '../services/storage/url.js'

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
    /** On SQLite, MySQL and PostgreSQL: the query builder and migration runner for a module's own tables; null otherwise. */
    sql: SqlAccess | null
  }
}

type Target<Kind> = Extract<StorageTarget, { kind: Kind }>

// The drivers are loaded only for the adapter STORAGE_URL names: a memory-storage server that
// loads neither mysql2 nor the MongoDB driver starts about 10 MiB smaller (RSS, measured with ps).

/** Migrations, then the store, over a SQL database; logs the versions it applied. */
async function openSql (fastify: FastifyInstance, database: SqlDatabase, name: string, settings: StorageSettings): Promise<Store> {
  const { openSqlStore } = await import('../services/storage/sql/open.js')
  const { store, applied, access } = await openSqlStore(database, { database: name, timeoutMs: settings.timeoutMs })
  if (applied.length > 0) fastify.log.info({ versions: applied }, `storage: ${database.dialect.name} migrations applied`)
  fastify.decorate('sql', access)
  return store
}

/** The file (and its folder) is created on first start; closed by the store. */
async function openSqlite (fastify: FastifyInstance, target: Target<'sqlite'>, settings: StorageSettings): Promise<Store> {
  const { sqliteDatabase } = await import('../services/storage/sql/open.js')
  const database = await sqliteDatabase(target.path, { busyTimeoutMs: settings.timeoutMs })
  fastify.log.info({ driver: database.driver }, 'storage: SQLite driver')
  return await openSql(fastify, database, target.path, settings)
}

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
  const [{ default: fastifyMysql }, { mysqlDatabase }] = await Promise.all([import('@fastify/mysql'), import('../services/storage/sql/open.js')])
  await fastify.register(fastifyMysql, { promise: true, ...mysqlPoolOptions(target.url, settings) })
  // @fastify/mysql declares no type for its decorator (its shape depends on the options); Kysely takes the callback pool under it.
  const { pool } = (fastify as FastifyInstance & { mysql: MySQLPromisePool }).mysql
  return await openSql(fastify, mysqlDatabase(pool.pool), target.database, settings)
}

/** @fastify/postgres, then the migrations, then the store. */
async function openPostgres (fastify: FastifyInstance, target: Target<'postgres'>, settings: StorageSettings): Promise<Store> {
  const { default: pg } = await import('pg')
  await waitForDatabase(fastify, target.redacted, async () => {
    const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: settings.timeoutMs })
    await client.connect()
    return { close: () => client.end() }
  })
  const [{ default: fastifyPostgres }, { postgresDatabase }] = await Promise.all([import('@fastify/postgres'), import('../services/storage/sql/open.js')])
  await fastify.register(fastifyPostgres, postgresPoolOptions(target.url, settings))
  const { pool } = (fastify as FastifyInstance & { pg: PostgresDb }).pg
  // An idle client that loses its server emits 'error' on the pool; unheard, it would end the process.
  pool.on('error', (error) => fastify.log.warn({ err: error }, 'storage: idle PostgreSQL connection lost'))
  return await openSql(fastify, postgresDatabase(pool), target.database, settings)
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
    case 'sqlite':
      store = await openSqlite(fastify, target, settings)
      break
    case 'mysql':
      store = await openMysql(fastify, target, settings)
      break
    case 'postgres':
      store = await openPostgres(fastify, target, settings)
      break
    case 'mongodb':
      store = await openMongo(fastify, target, settings)
      break
  }
  fastify.decorate('store', store)
  if (!fastify.hasDecorator('sql')) fastify.decorate('sql', null)
  fastify.addHook('onClose', () => store.close())
  if (target.kind === 'memory' || (target.kind === 'sqlite' && target.path === ':memory:')) {
    fastify.log.warn('storage: in memory, inside this process: nothing survives a restart (set STORAGE_URL to keep users and sessions)')
  }
  // Only the redacted URL: never the credentials.
  fastify.log.info({ storage: target.kind, target: target.kind === 'memory' ? 'memory://' : target.redacted }, 'storage ready')
}, { name: 'storage', dependencies: ['config'] })

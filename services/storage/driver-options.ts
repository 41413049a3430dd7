import type { MongoClientOptions } from 'mongodb'
import type { PoolOptions } from 'mysql2/promise'
import type { PoolConfig } from 'pg'

/** The two storage settings every adapter reads (STORAGE_POOL_SIZE, STORAGE_TIMEOUT_MS). */
export interface StorageSettings {
  poolSize: number
  timeoutMs: number
}

/**
 * mysql2 pool options, for @fastify/mysql and for the tests alike. `uri` (not connectionString,
 * which @fastify/mysql passes alone) so these options win over the URL's query string.
 */
export function mysqlPoolOptions (url: string, { poolSize, timeoutMs }: StorageSettings): PoolOptions {
  return {
    uri: url,
    connectionLimit: poolSize,
    maxIdle: poolSize,
    connectTimeout: timeoutMs,
    // Dates go in and come out as UTC (DATETIME(3) columns); never as strings.
    timezone: 'Z',
    dateStrings: false,
    charset: 'utf8mb4',
    enableKeepAlive: true
  }
}

/**
 * MongoClient options. A request never waits longer than timeoutMs (the store's own deadline);
 * these make the driver give up about then too: server selection and connecting. The socket
 * timeout is longer than the server-side maxTimeMS the store sends, so a slow query ends with the
 * server's error and only a silent server loses its socket.
 */
export function mongoClientOptions ({ poolSize, timeoutMs }: StorageSettings): MongoClientOptions {
  return {
    maxPoolSize: poolSize,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs * 2,
    waitQueueTimeoutMS: timeoutMs
  }
}

/**
 * pg pool options, for @fastify/postgres and for the tests alike. Connecting gives up within
 * timeoutMs; the store's own deadline (sql/operation.ts) bounds the rest of an operation.
 */
export function postgresPoolOptions (url: string, { poolSize, timeoutMs }: StorageSettings): PoolConfig {
  return {
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true
  }
}

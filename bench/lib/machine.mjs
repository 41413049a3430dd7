// @ts-check
/** The machine line of the report: what ran the benchmark. */
import { cpus, loadavg, release, totalmem, type, arch } from 'node:os'
import { MongoClient } from 'mongodb'
import mysql from 'mysql2/promise'
import { serverUrlOf } from './databases.mjs'
import { postgresVersion } from './postgres.mjs'

/**
 * @param {boolean} pinned
 */
export function describeMachine (pinned) {
  const list = cpus()
  return {
    cpu: (list[0]?.model ?? 'unknown CPU').trim(),
    cores: list.length,
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    pinned,
    loadAverageAtStart: loadavg()[0] ?? 0,
    /** glibc malloc settings passed on to the servers (see processes.mjs), as NAME=value. */
    malloc: Object.entries(process.env).filter(([name]) => name.startsWith('MALLOC_')).map(([name, value]) => `${name}=${value}`)
  }
}

/** Versions of the database servers the run may use ('' when not configured or not reachable). */
export async function describeDatabases () {
  const out = { mysql: '', postgres: '', mongodb: '' }
  const mysqlUrl = serverUrlOf('mysql')
  if (mysqlUrl !== undefined) {
    try {
      const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 5000 })
      try {
        const [rows] = await connection.query('SELECT VERSION() AS version')
        const version = String(/** @type {{ version: string }[]} */ (rows)[0]?.version ?? '')
        out.mysql = version.includes('MariaDB') ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}`
      } finally {
        await connection.end()
      }
    } catch (error) {
      out.mysql = `unreachable (${String(error).split('\n')[0]})`
    }
  }
  const postgresUrl = serverUrlOf('postgres')
  if (postgresUrl !== undefined) {
    try {
      out.postgres = await postgresVersion(postgresUrl)
    } catch (error) {
      out.postgres = `unreachable (${String(error).split('\n')[0]})`
    }
  }
  const mongoUrl = serverUrlOf('mongodb')
  if (mongoUrl !== undefined) {
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5000 })
    try {
      const info = await client.db('admin').command({ buildInfo: 1 })
      out.mongodb = typeof info.ferretdbVersion === 'string' ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`
    } catch (error) {
      out.mongodb = `unreachable (${String(error).split('\n')[0]})`
    } finally {
      await client.close()
    }
  }
  return out
}

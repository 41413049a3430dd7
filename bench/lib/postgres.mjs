// @ts-check
/**
 * PostgreSQL for the benchmark: a fresh database per server on the server of POSTGRES_URL
 * (created from the database that URL names, dropped at the end), the bulk copy of a user row
 * into it, and the server's version for the report.
 */
import pg from 'pg'

/**
 * Runs `work` on one client connected to `url`, closed afterwards.
 * @template T
 * @param {string} url @param {(client: pg.Client) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withClient (url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** @param {string} serverUrl @param {string} database */
function withDatabase (serverUrl, database) {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.href
}

/**
 * @param {string} serverUrl POSTGRES_URL
 * @param {string} name letters, digits and _
 * @returns {Promise<{ url: string, drop: () => Promise<void> }>}
 */
export async function freshPostgresDatabase (serverUrl, name) {
  const quoted = pg.escapeIdentifier(name)
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoted}`))
  return {
    url: withDatabase(serverUrl, name),
    // WITH (FORCE) (PostgreSQL 13+): a connection the stopped server left behind does not block the drop.
    drop: async () => { await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`)) }
  }
}

/** Rows per INSERT: 1,000 rows of the users table stay far below PostgreSQL's 65,535 parameters. */
const BATCH = 1000

/**
 * Copies of the users row holding `templateId`, made by `copy(row, i)` for i in [from, to).
 * @param {string} url @param {string} templateId
 * @param {(row: Record<string, unknown>, i: number) => Record<string, unknown>} copy
 * @param {number} from @param {number} to
 */
export function clonePostgresUsers (url, templateId, copy, from, to) {
  return withClient(url, async (client) => {
    const row = (await client.query('SELECT * FROM users WHERE id = $1', [templateId])).rows[0]
    if (row === undefined) return false
    const columns = Object.keys(row)
    const names = columns.map((column) => pg.escapeIdentifier(column)).join(', ')
    for (let start = from; start < to; start += BATCH) {
      const values = []
      const tuples = []
      for (let i = start; i < Math.min(to, start + BATCH); i++) {
        const user = copy(row, i)
        tuples.push(`(${columns.map((_, c) => `$${values.length + c + 1}`).join(', ')})`)
        values.push(...columns.map((column) => user[column]))
      }
      await client.query(`INSERT INTO users (${names}) VALUES ${tuples.join(', ')}`, values)
    }
    return true
  })
}

/** @param {string} serverUrl */
export async function postgresVersion (serverUrl) {
  const version = await withClient(serverUrl, async (client) => String((await client.query('SHOW server_version')).rows[0]?.server_version ?? ''))
  return `PostgreSQL ${version.split(' ')[0]}`
}

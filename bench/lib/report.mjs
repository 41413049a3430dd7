// @ts-check
/** BENCHMARKS.md and the SVG chart of the ratios, rewritten by every run. */
import { dirname, relative } from 'node:path'
import { formatNumber } from './rounds.mjs'

/** @typedef {import('./rounds.mjs').Row} Row */
/** @typedef {{ mysql: string, postgres?: string, mongodb: string }} Databases */

const STATUS = { pass: '✅ pass', fail: '❌ fail', info: 'info', 'not run': 'not run' }

/** @param {string} text */
const cell = (text) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

/** A ratio with two decimals, or three when two would round it onto its goal. */
function ratioText (/** @type {number} */ value, /** @type {Row['goal']} */ goal) {
  return value.toFixed(goal !== null && value.toFixed(2) === goal.value.toFixed(2) && value !== goal.value ? 3 : 2)
}

/** @param {Row} row */
function valueText (row) {
  if (row.value === null || !Number.isFinite(row.value)) return '–'
  return row.unit === '' ? `**${ratioText(row.value, row.goal)}×**` : `**${formatNumber(row.value)} ${row.unit}**`
}

/** The cross-check: the same ratio with each side's requests divided by its server's CPU time. */
function cpuText (/** @type {Row} */ row) {
  const detail = /** @type {{ cpuRatio?: number | null } | undefined} */ (row.detail)
  return typeof detail?.cpuRatio === 'number' && Number.isFinite(detail.cpuRatio) ? `${detail.cpuRatio.toFixed(2)}×` : '–'
}

/** @param {Row} row */
function formatValue (row) {
  if (row.value === null || !Number.isFinite(row.value)) return '–'
  return row.unit === '' ? `${ratioText(row.value, row.goal)}×` : `${formatNumber(row.value)} ${row.unit}`
}

/**
 * What limits a missed goal, from the numbers of the same run. Undefined when there is nothing
 * to add to the row itself.
 * @param {Row} row @param {Row[]} rows @param {Databases} databases
 */
function explain (row, rows, databases) {
  const find = (/** @type {string} */ id) => rows.find((other) => other.id === id)
  const detail = /** @type {Record<string, any>} */ (row.detail ?? {})
  const parts = []
  const ratios = Array.isArray(detail.ratios) ? detail.ratios.filter(Number.isFinite) : []
  if (ratios.length > 1) {
    parts.push(`The rounds gave ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}×` +
      (typeof detail.cpuRatio === 'number' ? `; per server CPU-second, ${detail.cpuRatio.toFixed(2)}×.` : '.'))
  }
  const health = find('1b')
  if (row.id === '1') {
    if (health?.value != null) parts.push(`Row 1b measures the protected route against GET /health, whose reply is shorter (the comparator of this row until 2026-11-27): ${health.value.toFixed(2)}×.`)
    parts.push('In CPU profiles of each route alone (one server each, 8 s at 22,000 to 26,000 req/s, Node.js 20, 2026-11-27), a protected request took 43.0 µs of CPU and a GET /health 37.4 µs (0.87). Of the 5.6 µs between them, the guard itself took about 1.3 µs (the verifier\'s cache lookup 0.57, the hook 0.35, parsing the session id 0.23, the revocation lookup 0.14) and the kernel\'s writev of the larger reply 1.9 µs (91 bytes of JSON against the 15 of GET /health, the difference GET /public/hello takes out); the rest is spread thin (writing the headers, iterating the onRequest hook, serialising the reply by its schema), none of it over 0.4 µs. Reading the 500-character header costs next to nothing: in a separate run of 8 alternating 1 s windows on one server, GET /health took 43.0 µs of CPU per request without the header and 42.2 µs with it.')
  }
  const ceiling = find('2d')
  const guard = find('1')
  const stack = find('2f')
  if (row.id === '2b' && stack?.value != null) {
    parts.push(`Row 2f puts our protected route at ${stack.value.toFixed(2)}× bare Fastify on the same requests: everything our server does on top of Fastify (the guard, security headers, CORS, load shedding, a child logger with redaction, serialisation by schema) costs about as much as the reference's cache lookup does on top of its own Fastify.`)
  }
  if (['2a', '2c'].includes(row.id) && ceiling?.value != null && guard?.value != null) {
    parts.push(`Row 2d puts our public route, which reads no token at all, at ${ceiling.value.toFixed(2)}× the reference` +
      (ceiling.value >= Number(row.value) ? ': no guard, however cheap, can lift the protected route above that ceiling. ' : ` (below this row's ${Number(row.value).toFixed(2)}×, which only the noise between rounds can do): no guard, however cheap, lifts the protected route above the public one. `) +
      `The guard itself costs what row 1 shows (the protected route at ${Number(guard.value).toFixed(2)}× the public one). The ceiling is the rest of our per-request work, the same on every route: ` +
      'security headers (computed once, set on every reply), CORS, load shedding (@fastify/under-pressure), a child logger per request, serialisation by schema.')
    const bare = find('2e')
    if (row.id === '2a' && bare?.value != null) {
      parts.push(`Row 2e is Fastify itself with nothing registered, checking no token, on the same requests: ${bare.value.toFixed(2)}× the reference` +
        (row.goal !== null && bare.value < row.goal.value ? `, below the goal of ${row.goal.value}× with no work at all: the reference spends most of each request where every Fastify app does (HTTP parsing, routing, writing the reply), so no Fastify server that checks tokens can reach the goal on this machine.` : '.'))
      const withHeaders = find('2g')
      if (withHeaders?.value != null) {
        parts.push(`Row 2g is that bare Fastify sending the response headers our server sends (security headers and CORS) and doing nothing else: ${withHeaders.value.toFixed(2)}× the reference, ` +
          `${Math.round((1 - withHeaders.value / bare.value) * 100)} % below row 2e: what writing those headers costs any Fastify server.`)
      }
      parts.push('Server CPU per request, one server each, 10 and 12 rounds of alternating 1 s windows (2026-11-27, Node.js 20, on a machine slowed by its neighbours at the time, two runs): bare Fastify 66.9 and 63.0 µs; the same sending our response headers 81.7 and 78.9 µs; our protected route 101.4 and 97.1 µs; the reference 145.8 and 146.8 µs. At 2× our speed the reference would leave us 73 µs a request: the fourteen response headers alone (security headers and CORS, about 700 bytes) take a server that does nothing else past that, to 1.78 and 1.86× the reference. Those headers are part of what this server is (secure by default); dropping the ones a JSON API does not need is a choice for the team, not a tuning.')
    }
  }
  if (row.id === '6a') {
    parts.push('A refresh does what the protected route does (minus the guard) and then its own work: it parses a JSON body, hashes the presented token, finds and rotates it in the store, draws and hashes a new refresh token, signs a new access token, and serialises both. Server CPU per request from /proc, one server, bracketed 1 s windows (2026-11-27, Node.js 20, with the young-generation flag of Idle servers below): 81 µs per refresh, 38 µs per protected request. An earlier CPU profile of refreshes alone (without that flag; under the profiler a refresh took 113 µs, a protected request 33 µs) put the largest parts of a refresh in the kernel\'s writev of the 1.5 KB reply (20 µs, against 9 µs for the protected route\'s 0.9 KB: on loopback the send also delivers to the client), in signing the access token (about 13 µs: fast-jwt\'s sign 6.6 µs, the set-up of Node\'s Hmac 5.8 µs; since then our own signer replaced fast-jwt\'s and takes about two thirds of its time, see services/token-signer.ts), in hashing the two refresh tokens (4 µs), in the memory store (4 µs) and in parsing the JSON body (2 µs); the rest is reading the body, validating and serialising.')
  }
  if (row.id === '6d') {
    parts.push('A refresh on SQLite runs ten statements in the server\'s own thread (finding the token and the user, then BEGIN IMMEDIATE, the session check, retiring the token, inserting the next one, updating the session, pruning the rotated tokens beyond the 32 kept, COMMIT) and appends 8 pages (32 KB in about 15 write calls, from /proc/<pid>/io) to the write-ahead log. CPU profiles of one server under refresh load, 10 connections, 8 s each (2026-12-06, Node.js 20, better-sqlite3, load average 11 on the machine): 483 µs of server CPU per refresh on SQLite against 97 µs on memory storage run just before; of the SQLite server\'s busy time, 43 % inside the SQLite calls (executing the statements, their WAL writes included) and 21 % in Kysely building and compiling the queries, where the memory store takes 8 % of a memory server\'s. The SQLite calls alone cost twice a whole refresh on memory storage, so the limit is the work each rotation asks of the SQL core (services/storage/sql/store.ts), not the benchmark.')
  }
  if (row.id === '6e') {
    const cpu = typeof detail.cpuRatio === 'number' ? detail.cpuRatio : null
    parts.push('Both run the same statements through the same SQL core (services/storage/sql/store.ts) over pools of the same size: two lookups, then a transaction that locks the session row (SELECT ... FOR UPDATE), retires the token, inserts the next one, updates the session and prunes the old tokens, each statement a round trip to the database server.' +
      (cpu === null ? '' : ` Per CPU-second of our own server the ratio is ${cpu.toFixed(2)}× (last column): on PostgreSQL our server itself spends ${(1 / cpu).toFixed(2)}× the CPU per refresh (all that differs in our process is the driver and Kysely's dialect: pg against mysql2), ${cpu > Number(row.value) ? 'most of the gap; the rest is waiting for the database server' : 'the whole gap'}.`) +
      ' The database servers\' own CPU per refresh, measured beside the run (2026-12-06), moved by half from round to round with the other test suites that share them on this machine, too noisy to split the rest.')
  }
  if (row.id === '7a' || row.id === '7c') {
    parts.push('The view answers with one lookup in a hash table of typed arrays (outside the V8 heap) whatever its size; the note on row 7c gives the share of time each of the three servers spent collecting garbage, and the note on row 7b checks that V8\'s memory reducer, off in every server here (see Idle servers below), collected nothing in the seeded servers during the rounds (all three servers share one core, so its pauses would slow whichever server is being measured).')
  }
  if (row.id === '8g') {
    const memory = /** @type {{ fresh: number, seeded: number, few: number, many: number, heap: number }} */ (detail)
    const mb = (/** @type {number} */ bytes) => `${Math.round(bytes / 2 ** 20)} MB`
    parts.push(`The process holds ${mb(memory.fresh)} before any user exists (Node.js, Fastify and every plugin loaded). ` +
      `Each argon2id hash needs 19 MiB for as long as it runs (one per core at most): the 100-user server, after the same logins, is at ${mb(memory.few)}. ` +
      `The users themselves account for the rest, ${mb(memory.many - memory.few)} for the difference in user count: most of it is the V8 heap (${mb(memory.heap)} after a full GC), ` +
      'the user records (id, username twice, argon2id hash, roles, dates) and the two Maps of the memory store that index them by id and by name.')
  }
  const sql = SQL_LATENCY_ROWS.get(row.id)
  if (sql !== undefined) {
    const memoryLogin = find('8a')
    parts.push(`${sql.name} finds a user by the unique key on username_normalized (services/storage/sql/schema-${sql.schema}.ts), a B-tree lookup whatever the number of users, and the rest of a login is the same work with few users or many` +
      (sql.login && memoryLogin?.value != null ? `; with memory storage the same comparison gave ${memoryLogin.value.toFixed(2)}× (row 8a). Most of a login's latency is its argon2id verify, whose time moves with the machine from round to round.` : '.'))
  }
  if ((row.id === '8e' || row.id === '8f' || row.id === '6c') && databases.mongodb.startsWith('FerretDB')) {
    parts.push(`The MongoDB server here is ${databases.mongodb} (SQLite backend), the CI's stand-in, and it answers no query from an index: it hands SQLite only a filter that is a single _id equality and evaluates every other filter (usernameNormalized, here) itself over every document, and even the _id filter misses the _id index, because its SQL compares another JSON path expression (_ferretdb_sjson->'$._id') than the index is built on (_ferretdb_sjson->"_id"). Both plans read SCAN (its explain, and SQLite's EXPLAIN QUERY PLAN), so a login costs time in proportion to the number of users. MongoDB answers the same queries from the unique index.`)
  }
  if (row.id === '7c' && find('7a')?.status === 'pass') {
    parts.push('Row 7a, the same revocations in the view alone, meets the goal: the difference is the memory store\'s own copy of every revocation record (memory storage, meant for development and tests), which the garbage collector walks; with MySQL or MongoDB those records live in the database.')
  }
  if (row.id === '5b') parts.push('The event-loop delay includes every moment the server\'s core ran another process: compare with the idle figure in the same row.')
  return parts.length > 0 ? parts.join(' ') : undefined
}

/**
 * The database servers the run used, by version (a run saved before PostgreSQL has no postgres).
 * @param {Databases} databases
 */
function databaseList (databases) {
  return [databases.mysql, databases.postgres ?? '', databases.mongodb].filter((text) => text !== '').join(', ')
}

/** The latency rows of scenario 8 on a SQL database: the database's name, its schema file, whether the row is a login. */
const SQL_LATENCY_ROWS = new Map([
  ['8c', { name: 'MySQL', schema: 'mysql', login: true }],
  ['8d', { name: 'MySQL', schema: 'mysql', login: false }],
  ['8h', { name: 'PostgreSQL', schema: 'postgres', login: true }],
  ['8i', { name: 'SQLite', schema: 'sqlite', login: true }]
])

/** @param {Row} row */
function goalText (row) {
  if (row.goal === null) return '–'
  return `${row.goal.op === '>=' ? '≥' : '≤'} ${row.goal.value}${row.unit === '' ? '×' : ` ${row.unit}`}`
}

/**
 * @param {{ rows: Row[], machine: ReturnType<typeof import('./machine.mjs').describeMachine> & { loadAverageAtEnd: number, nice: number | null }, databases: Databases,
 *   settings: import('./context.mjs').Settings, startedAt: Date, elapsedSeconds: number, reportPath: string, svgPath: string, jsonPath: string, args?: string[] }} run
 */
export function renderMarkdown ({ rows, machine, databases, settings, startedAt, elapsedSeconds, reportPath, svgPath, jsonPath, args }) {
  const from = dirname(reportPath)
  const link = (/** @type {string} */ path) => relative(from, path).split('\\').join('/')
  const passed = rows.filter((row) => row.status === 'pass').length
  const judged = rows.filter((row) => row.status === 'pass' || row.status === 'fail').length
  const mode = settings.quick
    ? `--quick: ${settings.rounds} round with ${settings.seconds} s windows and no warm-up, a smoke run; its ratios are not evidence`
    : `${settings.rounds} bracketed rounds with ${settings.seconds} s windows for throughput, ${settings.argonRounds} rounds with ${settings.argonSeconds} s (argon2) and ${settings.latencySeconds} s (latency) windows`
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`${['node bench/run.mjs', ...(args ?? [])].join(' ')}\` (\`npm run bench\` runs it after \`npm run build\`) on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${Math.round(elapsedSeconds)} s (${mode}). Do not edit by hand: every run rewrites this file; the raw numbers are in [${link(jsonPath)}](${link(jsonPath)}).`,
    '',
    `**Machine:** ${machine.cpu}, ${machine.cores} cores, Node.js ${machine.node}, ${machine.os}, ${machine.memoryGiB} GiB RAM; ` +
      (machine.pinned ? 'each server on core 1, the load generator on core 0 (taskset)' : 'no CPU pinning (taskset missing or a single core)') +
      (machine.nice === null ? '' : `; servers and load generator at nice ${machine.nice} (--nice), other programs ran on the same cores`) +
      `; load average ${machine.loadAverageAtStart.toFixed(2)} at the start, ${machine.loadAverageAtEnd.toFixed(2)} at the end` +
      ((machine.malloc ?? []).length > 0 ? `; servers run with ${(machine.malloc ?? []).join(' ')}` : '; default glibc malloc settings') +
      (databaseList(databases) !== '' ? `; databases: ${databaseList(databases)}` : '') + '.',
    '',
    `**Goals met: ${passed} of ${judged}.**`,
    '',
    `![Ratios against their goals](${link(svgPath)})`,
    '',
    '| # | Scenario | A | B | Ratio / value | Goal | Result | Ratio per server CPU-second |',
    '|---|---|---|---|--:|---|---|--:|',
    ...rows.map((row) => `| ${row.id} | ${cell(row.scenario)} | ${cell(row.a)} | ${cell(row.b)} | ${valueText(row)} | ${goalText(row)} | ${STATUS[row.status]} | ${cpuText(row)} |`),
    ''
  ]
  const notes = rows.filter((row) => row.note !== undefined)
  if (notes.length > 0) {
    lines.push('Notes:', '', ...notes.map((row) => `- **${row.id}**: ${row.note}`), '')
  }
  const misses = rows.flatMap((row) => {
    const why = row.status === 'fail' ? explain(row, rows, databases) : undefined
    return why === undefined ? [] : [`- **${row.id}** (${formatValue(row)} against ${goalText(row)}): ${why}`]
  })
  if (misses.length > 0) lines.push('## Where a goal is missed, and what limits it', '', ...misses, '')
  lines.push(...METHOD, '')
  return lines.join('\n')
}

const METHOD = [
  '## How it is measured',
  '',
  '- **Servers.** Ours is the compiled `dist/server.js`, started by the benchmark with `LOG_LEVEL=warn` (no request logs),',
  '  `RATE_LIMIT_AUTH_MAX=0` (every request comes from 127.0.0.1, so the per-IP limiter of `/auth/*` would answer 429)',
  '  and `--import bench/lib/probe.mjs`, a bench-only preload that adds nothing to the request path: it finds the',
  '  Fastify instance through Fastify\'s `fastify.initialization` diagnostics channel and answers the benchmark over the',
  '  child-process IPC channel (seed users and revocations, open sessions, event-loop delay, memory). The references in',
  '  `bench/peers/` are the setups tutorials show: `@fastify/jwt` as its README registers it (`request.jwtVerify()` in an',
  '  `onRequest` hook), the same with `verify: { cache: true }`, and Express 5 with the usual `jsonwebtoken` middleware.',
  '  They verify the very tokens our HS256 server issued (same secret, algorithm and bytes: claims `sub sid jti typ roles',
  '  iat exp iss aud` and a `kid` header). `fastify-bare.mjs`, Fastify with nothing registered answering the same path',
  '  and the same requests without checking anything, is the ceiling of rows 2e and 2f; started with the response headers',
  '  of our GET /health (security headers, CORS) added in one hook, it is row 2g.',
  '- **Load.** autocannon in the benchmark process, one request in flight per connection, 10 connections for throughput;',
  '  every protected request carries one of 100 distinct valid tokens (issued by the server\'s own session service), so',
  '  no verifier cache is flattered by a single token. Throughput counts 2xx responses per second; any other answer',
  '  fails the row. Latency rows use one connection and the exact response time of every request.',
  '- **Rounds.** The speed of a shared virtual machine drifts, by up to a factor of two within seconds (the same',
  '  server, measured in 1-second windows here, went from 5,800 to 11,700 req/s and back). So every comparison is',
  '  bracketed: each round measures a base variant, then each other variant followed by the base again (base, X1, base,',
  '  X2, base, …, the order rotating from round to round), and each measurement of X is divided by the mean of the',
  '  two base measurements around it, which cancels a linear drift. A ratio is the median over rounds; the A and B',
  '  columns show the median of each side\'s own measurements. Every variant is warmed up first. The last column is a',
  '  cross-check, not the goal: the same ratio with each side\'s 2xx responses divided by the CPU time its server',
  '  process used meanwhile (from /proc). After each refresh round on a database (scenario 6) the run waits until',
  '  the machine\'s cores are less than 25 % busy over 200 ms (at most 5 s, `bench/lib/quiet.mjs`): the database is',
  '  still answering the requests that were in flight when the load stopped (FerretDB for 200 to 400 ms here), and',
  '  without the wait that work slowed the next memory-storage round by about a fifth.',
  '- **Idle servers.** Every server process of a throughput or latency row, ours and the references alike, starts with',
  '  `--min-semi-space-size=16 --no-memory-reducer` (`STEADY_STATE_FLAGS` in `bench/lib/context.mjs`, where the',
  '  measurements are). The base of the bracketed rounds is loaded in every other window; every other server only in its',
  '  own, and idles 10 s or more in between, which V8 treats as a reason to save memory, twice to that server\'s cost.',
  '  It shrinks the young generation (found back at 1 to 4.5 MiB at the start of a window, against 32 MiB in the',
  '  base): with the first flag it starts at 16 MiB semi-spaces and never shrinks below that (in the same rounds, ES256',
  '  went from 0.85 without to 0.87 with, EdDSA from 0.83 to 0.91, `@fastify/jwt` with its cache from 0.72 to 0.85).',
  '  And its memory reducer runs a memory-reducing collection that also discards optimised code, so the next window',
  '  runs in the slower tiers while V8 compiles it again: one idle server\'s window after that collection took 321 to',
  '  411 µs of CPU per request against 88 to 126 µs in its other windows (three runs), and in one full run EdDSA, ES256',
  '  and RS256 all fell to about a quarter of the base in the same round. The two memory-storage servers of scenario 8',
  '  start with V8\'s defaults, since row 8g reports their memory; rows 8a and 8b load both of them alike. So do the two',
  '  SQLite servers of scenario 8 (row 8j reports their memory; row 8i loads both alike).',
  '- **argon2.** `bench/lib/argon2-raw.mjs` calls the `@node-rs/argon2` library directly with the product\'s parameters',
  '  (`OWASP_ARGON2ID` from the compiled `services/password.js`), 4 operations in flight, pinned to the server\'s core',
  '  and with its hashing threads at the priority the server gives its own (`lowerHashingThreadPriority`), bracketing',
  '  the 4 login (or registration) connections of each round.',
  '- **Event-loop delay.** `perf_hooks.monitorEventLoopDelay` (10 ms resolution) in the server process, enabled only',
  '  during the measured seconds; it records intervals between its timer ticks, so the resolution is subtracted.',
  '- **Seeding.** Users: one registration through the real user service (a real argon2id hash), since 100,000',
  '  registrations would take an hour of argon2; the others carry that hash. With memory storage they are stored through',
  '  the storage contract (`store.createUser`); with SQLite, MySQL, PostgreSQL and MongoDB, as copies of the row',
  '  (document) the adapter wrote for the registered user, with a new id and username, bulk-inserted by the benchmark',
  '  process over its own connection (100,000 single inserts take minutes). The SQLite copies go into the server\'s',
  '  database file while the server has it open (WAL), so the server\'s memory holds none of them.',
  '  Sessions and tokens come from the real session service. Revocations: written where a logout writes them',
  '  (`revocations.add`, and `store.recordRevocations` for row 7c), revoked 60 to 20 s earlier (older than the sync',
  '  overlap) and alive for one access-token lifetime. Memory per revoked session is the growth of the V8 heap plus',
  '  ArrayBuffer memory (`process.memoryUsage()`) after a full GC, divided by the count; the session ids are made',
  '  before the first reading, so the view is charged only for what it keeps of them.',
  '- **Running it.** `npm run bench` (about 10 minutes; with `source .ci/services.sh` first for the database rows),',
  '  `npm run bench -- --quick` (about a minute, a smoke run), `--only protected,revocations,refresh,users,passwords`,',
  '  `--nice=-10` on a shared machine (root), `--render bench/results/<file>.json` to rewrite this report from a run.',
  '- **Databases.** MySQL, PostgreSQL and MongoDB rows run when `MYSQL_URL` / `POSTGRES_URL` / `MONGODB_URL` are set',
  '  (`source .ci/services.sh`); each server gets a fresh database named after the run, dropped at the end. SQLite rows',
  '  run everywhere: each server gets a fresh file in a temporary folder, removed at the end. The SQLite driver is the',
  '  server\'s own choice (node:sqlite on Node.js 22.16+ and 24, better-sqlite3 on Node.js 20).'
]

/**
 * Horizontal bars on a log scale (ratios from 1/8× to 16×), one per ratio row with a goal, a tick
 * at the goal, green when met. Hand-written SVG.
 * @param {Row[]} rows
 */
export function renderSvg (rows) {
  const bars = rows.filter((row) => row.unit === '' && row.goal !== null && row.value !== null && Number.isFinite(row.value))
  const width = 760
  const left = 330
  const right = 60
  const rowHeight = 26
  const top = 30
  const height = top + bars.length * rowHeight + 30
  const min = Math.log2(1 / 8)
  const max = Math.log2(16)
  const x = (/** @type {number} */ ratio) => Math.round((left + (Math.min(max, Math.max(min, Math.log2(ratio))) - min) / (max - min) * (width - left - right)) * 10) / 10
  const escape = (/** @type {string} */ text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  const ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16]
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="16" fill="#333">ratio (log scale); black tick = goal; green = goal met, red = missed</text>`,
    ...ticks.map((tick) => `<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 24}" stroke="#ddd"/><text x="${x(tick)}" y="${height - 10}" text-anchor="middle" fill="#666">${tick}×</text>`)
  ]
  bars.forEach((row, i) => {
    const y = top + i * rowHeight
    const value = /** @type {number} */ (row.value)
    const goal = /** @type {import('./rounds.mjs').Goal} */ (row.goal)
    const color = row.status === 'pass' ? '#2e9e44' : '#d0393e'
    const label = `${row.id} ${row.scenario}`
    out.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end" fill="#222">${escape(label.length > 52 ? label.slice(0, 51) + '…' : label)}</text>`,
      `<rect x="${x(1 / 8)}" y="${y + 4}" width="${Math.max(1, Math.round((x(value) - x(1 / 8)) * 10) / 10)}" height="${rowHeight - 10}" fill="${color}"/>`,
      `<line x1="${x(goal.value)}" y1="${y + 1}" x2="${x(goal.value)}" y2="${y + rowHeight - 3}" stroke="#000" stroke-width="2"/>`,
      `<text x="${Math.round((x(value) + 4) * 10) / 10}" y="${y + 15}" fill="#222">${ratioText(value, goal)}×</text>`
    )
  })
  out.push('</svg>', '')
  return out.join('\n')
}

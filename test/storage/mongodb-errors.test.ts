import { createRequire } from 'node:module'
import net from 'node:net'
import {
  MongoBulkWriteError, MongoClient, MongoClientClosedError, MongoError, MongoInvalidArgumentError, MongoMissingCredentialsError,
  MongoNetworkError, MongoNetworkTimeoutError, MongoNotConnectedError, MongoOperationTimeoutError, MongoParseError,
  MongoRuntimeError, MongoServerClosedError, MongoServerError, MongoServerSelectionError, MongoStalePrimaryError,
  MongoTopologyClosedError, MongoUnexpectedServerResponseError, MongoWriteConcernError, TopologyType
} from 'mongodb'
import type { BulkWriteResult, TopologyDescription, WriteError } from 'mongodb'
import t from 'tap'
import { DUPLICATE_KEY, isDuplicateKey, isDuplicateKeyOnUpdate, isMongoOutage, isOnlyDuplicateKeys } from '../../services/storage/mongodb-errors.js'

/** The driver's own classes that 'mongodb' exports as types only, or not at all. */
const require = createRequire(import.meta.url)
interface PoolLike { address: string, serverError?: MongoError }
const poolErrors = require('mongodb/lib/cmap/errors.js') as {
  PoolClosedError: new (pool: PoolLike) => MongoError
  PoolClearedError: new (pool: PoolLike) => MongoError
  PoolClearedOnNetworkError: new (pool: PoolLike) => MongoError
  WaitQueueTimeoutError: new (message: string, address: string) => MongoError
}
const bulk = require('mongodb/lib/bulk/common.js') as {
  BulkWriteResult: new (bulkResult: object, isOrdered: boolean) => BulkWriteResult
  WriteError: new (error: { index: number, code: number, errmsg: string }) => WriteError
}
const topology = require('mongodb/lib/sdam/topology_description.js') as {
  TopologyDescription: new (type: TopologyType) => TopologyDescription
}

const pool: PoolLike = { address: '127.0.0.1:27017' }
const noTopology = new topology.TopologyDescription(TopologyType.Unknown)
const nothingWritten = new bulk.BulkWriteResult({ ok: 1, writeErrors: [], writeConcernErrors: [], insertedIds: [], nInserted: 0, nUpserted: 0, nMatched: 0, nModified: 0, nRemoved: 0, upserted: [] }, false)

const serverError = (code: number, errmsg: string, errorLabels?: string[]) => new MongoServerError({ code, errmsg, ...(errorLabels === undefined ? {} : { errorLabels }) })
const writeError = (index: number, code: number) => new bulk.WriteError({ index, code, errmsg: `E${code} at ${index}` })
/** What insertMany throws when its batch has write errors (the first one's code on the wrapper). */
const failedWrites = (writeErrors: WriteError[]) => new MongoBulkWriteError({ message: 'write failed', code: writeErrors[0]?.code ?? 0, writeErrors }, nothingWritten)
/** What insertMany throws when anything else stopped its batch (bulk/common.js rethrows it wrapped). */
const wrappedByBulk = (error: Error) => new MongoBulkWriteError(error, nothingWritten)

/** A port with no listener: bind one, then close it. */
async function refusedPort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

t.test('isMongoOutage - should be true for every error the driver throws when it cannot reach or serve', async (t) => {
  const outages: Array<[string, Error]> = [
    ['socket reset or closed', new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed')],
    ['socketTimeoutMS passed', new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27017 timed out')],
    ['pool cleared after a network error', new poolErrors.PoolClearedError(pool)],
    ['pool cleared after a monitor timeout', new poolErrors.PoolClearedOnNetworkError(pool)],
    ['pool closed', new poolErrors.PoolClosedError(pool)],
    ['no free connection within waitQueueTimeoutMS', new poolErrors.WaitQueueTimeoutError('Timed out while checking out a connection from connection pool', pool.address)],
    ['no server within serverSelectionTimeoutMS', new MongoServerSelectionError('Server selection timed out after 1000 ms', noTopology)],
    ['topology closed', new MongoTopologyClosedError()],
    ['selected server closed', new MongoServerClosedError()],
    ['client closed, never reconnected', new MongoNotConnectedError('Client must be connected before running operations')],
    ['client closed mid-operation', new MongoClientClosedError()],
    ['timeoutMS passed', new MongoOperationTimeoutError('Timed out during connection checkout')]
  ]
  for (const [what, error] of outages) t.equal(isMongoOutage(error), true, `${what}: ${error.name}`)
})

t.test('isMongoOutage - should be true for the transient server codes and error labels', async (t) => {
  const transientCodes = [6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436, 262, 50, 112, 24]
  for (const code of transientCodes) t.equal(isMongoOutage(serverError(code, `code ${code}`)), true, `server code ${code}`)
  t.equal(isMongoOutage(new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 91, errmsg: 'ShutdownInProgress' } })), true, 'write concern error with a transient code')
  t.equal(isMongoOutage(serverError(2, 'not retryable by code', ['RetryableWriteError'])), true, 'RetryableWriteError label from the server')
  for (const label of ['RetryableWriteError', 'TransientTransactionError']) {
    const error = new MongoError('labelled by the driver')
    error.addErrorLabel(label)
    t.equal(isMongoOutage(error), true, `${label} label added by the driver`)
  }
})

t.test('isMongoOutage - should see through the MongoBulkWriteError that insertMany wraps around an outage', async (t) => {
  t.equal(isMongoOutage(wrappedByBulk(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'))), true, 'reset socket')
  t.equal(isMongoOutage(wrappedByBulk(new poolErrors.PoolClearedError(pool))), true, 'cleared pool')
  t.equal(isMongoOutage(wrappedByBulk(new MongoServerClosedError())), true, 'closed server')
  t.equal(isMongoOutage(wrappedByBulk(serverError(91, 'ShutdownInProgress'))), true, 'transient server code, copied onto the wrapper')
  t.equal(isMongoOutage(wrappedByBulk(serverError(2, 'BadValue'))), false, 'non-transient server error')
  t.equal(isMongoOutage(wrappedByBulk(new TypeError('not a driver error'))), false, 'a bug, not an outage')

  // With no server the first call fails connecting and leaves the client's topology closed; the
  // insertMany after it then fails inside its batch, where the driver itself does the wrapping.
  const client = new MongoClient(`mongodb://127.0.0.1:${await refusedPort()}/probe`, { serverSelectionTimeoutMS: 100 })
  t.teardown(() => client.close())
  const collection = client.db('probe').collection('things')
  const fromInsertOne = await collection.insertOne({ a: 1 }).then(() => null, (error: unknown) => error)
  t.type(fromInsertOne, MongoServerSelectionError)
  t.equal(isMongoOutage(fromInsertOne), true, 'insertOne with no server reachable')
  const fromInsertMany = await collection.insertMany([{ a: 1 }, { a: 2 }], { ordered: false }).then(() => null, (error: unknown) => error)
  t.type(fromInsertMany, MongoBulkWriteError, 'the driver wraps what stopped the batch')
  t.type((fromInsertMany as MongoBulkWriteError).errorResponse, MongoTopologyClosedError, 'and keeps it in errorResponse')
  t.equal(isMongoOutage(fromInsertMany), true, 'insertMany on a closed topology')
  t.equal(isOnlyDuplicateKeys(fromInsertMany), false, 'and it is not mistaken for duplicate keys')
})

t.test('isMongoOutage - should be false for errors a retry would not fix, and for anything not from the driver', async (t) => {
  const notOutages: Array<[string, unknown]> = [
    ['duplicate key', serverError(DUPLICATE_KEY, 'E11000 duplicate key error')],
    ['document validation', serverError(121, 'Document failed validation')],
    ['bad query', serverError(2, 'unknown operator: $nope')],
    ['not authorized', serverError(13, 'not authorized on auth to execute command')],
    ['write errors of a bulk insert', failedWrites([writeError(0, DUPLICATE_KEY)])],
    ['bad argument', new MongoInvalidArgumentError('Argument "docs" must be an array of documents')],
    ['bad connection string', new MongoParseError('Invalid scheme')],
    ['missing credentials', new MongoMissingCredentialsError('Username required')],
    ['driver bug', new MongoRuntimeError('should never happen')],
    ['malformed reply', new MongoUnexpectedServerResponseError('Cursor document did not contain a batch')],
    ['stale primary (only ever a cause, never thrown)', new MongoStalePrimaryError('primary marked stale')],
    ['MongoError without labels', new MongoError('something')],
    ['plain Error', new Error('connection reset')],
    ['look-alike object', { name: 'MongoServerSelectionError', code: 91 }],
    ['string', 'MongoNetworkError'],
    ['undefined', undefined],
    ['null', null]
  ]
  for (const [what, error] of notOutages) t.equal(isMongoOutage(error), false, what)
})

t.test('isDuplicateKey - should be true only for a server error with code 11000', async (t) => {
  t.equal(isDuplicateKey(serverError(DUPLICATE_KEY, 'E11000 duplicate key error')), true)
  t.equal(isDuplicateKey(serverError(121, 'Document failed validation')), false)
  t.equal(isDuplicateKey(new MongoNetworkError('connection closed')), false)
  t.equal(isDuplicateKey({ code: DUPLICATE_KEY }), false, 'a plain object with the code')
  t.equal(isDuplicateKey(undefined), false)
})

t.test('isDuplicateKeyOnUpdate - should also know FerretDB\'s answer to an update that breaks a unique index', async (t) => {
  t.equal(isDuplicateKeyOnUpdate(serverError(DUPLICATE_KEY, 'E11000 duplicate key error')), true, 'MongoDB')
  // What FerretDB 1.24 (SQLite backend) answered in test/storage/contract-emails.ts, shortened.
  t.equal(isDuplicateKeyOnUpdate(serverError(1, '[msg_update.go:133 handler.(*Handler).updateDocument] constraint failed: UNIQUE constraint failed: index \'users_1a2b_email_unique\' (2067)')), true, 'FerretDB')
  t.equal(isDuplicateKeyOnUpdate(serverError(1, 'some other internal error')), false)
  t.equal(isDuplicateKeyOnUpdate(new MongoNetworkError('UNIQUE constraint failed')), false, 'not a server error')
})

t.test('isOnlyDuplicateKeys - should be true only when every write error of a bulk insert is a duplicate key', async (t) => {
  t.equal(isOnlyDuplicateKeys(failedWrites([writeError(0, DUPLICATE_KEY), writeError(2, DUPLICATE_KEY)])), true, 'all duplicates')
  t.equal(isOnlyDuplicateKeys(failedWrites([writeError(0, DUPLICATE_KEY), writeError(1, 121)])), false, 'a duplicate and a validation failure')
  t.equal(isOnlyDuplicateKeys(failedWrites([writeError(1, 121), writeError(2, DUPLICATE_KEY)])), false, 'the other failure first')
  const single = (error: WriteError) => Object.assign(failedWrites([error]), { writeErrors: error })
  t.equal(isOnlyDuplicateKeys(single(writeError(0, DUPLICATE_KEY))), true, 'one write error object, not a list')
  t.equal(isOnlyDuplicateKeys(single(writeError(0, 121))), false, 'one write error object that is not a duplicate')
  t.equal(isOnlyDuplicateKeys(failedWrites([])), false, 'no write errors')
  t.equal(isOnlyDuplicateKeys(wrappedByBulk(new MongoNetworkError('connection closed'))), false, 'a wrapped outage')
  t.equal(isOnlyDuplicateKeys(serverError(DUPLICATE_KEY, 'E11000 duplicate key error')), false, 'a duplicate key outside a bulk insert')
})

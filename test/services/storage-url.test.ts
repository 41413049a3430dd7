import { resolve } from 'node:path'
import t from 'tap'
import { parseStorageUrl } from '../../services/storage/url.js'

t.test('parseStorageUrl - should accept the documented forms and redact credentials', async (t) => {
  t.same(parseStorageUrl('memory://'), { kind: 'memory' })
  t.match(parseStorageUrl('mysql://app:s3cr%40t@db.internal:3306/auth'), { kind: 'mysql', database: 'auth', redacted: 'mysql://***:***@db.internal:3306/auth' })
  t.match(parseStorageUrl('mongodb://127.0.0.1:27017/auth'), { kind: 'mongodb', database: 'auth', redacted: 'mongodb://127.0.0.1:27017/auth' })
  t.match(parseStorageUrl('mongodb://u:p@h1:27017,h2:27017,h3/auth?replicaSet=rs0&authSource=admin'), {
    kind: 'mongodb', database: 'auth', url: 'mongodb://u:p@h1:27017,h2:27017,h3/auth?replicaSet=rs0&authSource=admin', redacted: 'mongodb://***:***@h1:27017,h2:27017,h3/auth?…'
  })
  t.match(parseStorageUrl('mongodb+srv://u:p@cluster0.example.net/auth?retryWrites=true'), { kind: 'mongodb', redacted: 'mongodb+srv://***:***@cluster0.example.net/auth?…' })
  t.same(parseStorageUrl('postgres://app:s3cr%40t@db.internal:5432/auth'), {
    kind: 'postgres', url: 'postgres://app:s3cr%40t@db.internal:5432/auth', database: 'auth', redacted: 'postgres://***:***@db.internal:5432/auth'
  })
  t.match(parseStorageUrl('postgresql://db.internal/auth?sslmode=require'), { kind: 'postgres', database: 'auth', redacted: 'postgresql://db.internal/auth?…' })
})

t.test('parseStorageUrl - should resolve sqlite:// paths against the working directory, and take sqlite::memory:', async (t) => {
  t.same(parseStorageUrl('sqlite://./data/auth.db'), { kind: 'sqlite', path: resolve('data/auth.db'), redacted: `sqlite://${resolve('data/auth.db')}` })
  t.same(parseStorageUrl('sqlite://../shared/auth.db'), { kind: 'sqlite', path: resolve('../shared/auth.db'), redacted: `sqlite://${resolve('../shared/auth.db')}` })
  t.same(parseStorageUrl('sqlite:///var/lib/auth/auth.db'), { kind: 'sqlite', path: '/var/lib/auth/auth.db', redacted: 'sqlite:///var/lib/auth/auth.db' })
  t.same(parseStorageUrl('sqlite:///srv/my%20data/auth.db'), { kind: 'sqlite', path: '/srv/my data/auth.db', redacted: 'sqlite:///srv/my data/auth.db' })
  t.same(parseStorageUrl(' sqlite::memory: '), { kind: 'sqlite', path: ':memory:', redacted: 'sqlite::memory:' })
})

t.test('parseStorageUrl - should refuse a sqlite URL without a usable file path', async (t) => {
  for (const bad of ['sqlite://', 'sqlite:///', 'sqlite://data/auth.db', 'sqlite://./data/', 'sqlite://./a.db?mode=ro', 'sqlite://./a%00b.db',
    'sqlite://./a%ZZ.db', 'sqlite:memory', 'sqlite:./auth.db']) {
    t.throws(() => parseStorageUrl(bad), { name: 'ConfigError', message: /STORAGE_URL: sqlite:\/\/ needs a file path/ }, bad)
  }
})

t.test('parseStorageUrl - should refuse anything else, naming STORAGE_URL and never echoing credentials', async (t) => {
  for (const bad of ['nonsense', 'redis://127.0.0.1', 'mysql://host', 'mysql://host/', 'mysql://user:hunter2@/db', 'mysql://h1,h2/db',
    'mongodb://h1,,h2/db', 'mysql://host/bad;name', 'mongodb://host/a%ZZ', 'postgres://user:hunter2@host/', 'postgresql://user:hunter2@h1,h2/db', 'pg://user:hunter2@host/db', 'mongodb+srv://a,b/db']) {
    t.throws(() => parseStorageUrl(bad), { name: 'ConfigError', message: /STORAGE_URL/ }, bad)
    try { parseStorageUrl(bad) } catch (error) { t.notMatch(String(error), /hunter2/, `${bad}: no password in the message`) }
  }
})

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
})

t.test('parseStorageUrl - should refuse anything else, naming STORAGE_URL and never echoing credentials', async (t) => {
  for (const bad of ['nonsense', 'redis://127.0.0.1', 'mysql://host', 'mysql://host/', 'mysql://user:hunter2@/db', 'mysql://h1,h2/db',
    'mongodb://h1,,h2/db', 'mysql://host/bad;name', 'mongodb://host/a%ZZ', 'postgres://user:hunter2@host/db', 'mongodb+srv://a,b/db']) {
    t.throws(() => parseStorageUrl(bad), { name: 'ConfigError', message: /STORAGE_URL/ }, bad)
    try { parseStorageUrl(bad) } catch (error) { t.notMatch(String(error), /hunter2/, `${bad}: no password in the message`) }
  }
})

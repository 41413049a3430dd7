import t from 'tap'
import { assertClusterable } from '../../services/cluster.js'

t.test('assertClusterable - should refuse storage that lives in one process when there are several workers', async (t) => {
  for (const url of ['memory://', 'sqlite::memory:', ' SQLITE::MEMORY: ']) {
    t.throws(() => assertClusterable({ WEB_CONCURRENCY: 2, STORAGE_URL: url }), { name: 'ConfigError', message: /WEB_CONCURRENCY=2 needs shared storage/ }, url)
    t.doesNotThrow(() => assertClusterable({ WEB_CONCURRENCY: 1, STORAGE_URL: url }), `${url} with one worker`)
  }
})

t.test('assertClusterable - should let workers on one machine share a SQLite file, or a server', async (t) => {
  for (const url of ['sqlite://./data/auth.db', 'sqlite:///var/lib/auth/auth.db', 'mysql://db/auth', 'postgres://db/auth', 'mongodb://db/auth']) {
    t.doesNotThrow(() => assertClusterable({ WEB_CONCURRENCY: 4, STORAGE_URL: url }), url)
  }
})

import { randomBytes } from 'node:crypto'
import t from 'tap'
import { build } from '../helper.js'
import { withDatabaseServer } from '../storage/databases.js'

withDatabaseServer(t, 'REDIS_URL', async (t, redisUrl) => {
  t.test('IP rate limit with REDIS_URL - two instances share one budget per address', async (t) => {
    // A fresh address per run, so earlier runs' counters in the shared Redis do not count.
    const ip = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
    const env = { RATE_LIMIT_AUTH_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000', REDIS_URL: redisUrl }
    const [a, b] = [await build(t, { env }), await build(t, { env })]
    const attempt = (app: typeof a) => app.inject({ method: 'POST', url: '/auth/login', remoteAddress: ip, payload: { username: 'anyone', password: 'wrong password' } })
    const codes = [await attempt(a), await attempt(b), await attempt(a), await attempt(b), await attempt(a), await attempt(b)].map((res) => res.statusCode)
    t.same(codes, [401, 401, 401, 401, 429, 429], 'the fifth attempt is refused, whichever instance gets it')
  })
})

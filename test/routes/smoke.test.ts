import t from 'tap'
import { build, registerAndLogin, bearer } from '../helper.js'

t.test('smoke', async (t) => {
  const app = await build(t)
  const root = await app.inject('/')
  t.equal(root.statusCode, 200, root.body)
  const u = await registerAndLogin(app)
  const res = await app.inject({ url: '/protected/hello', headers: bearer(u.access_token) })
  t.equal(res.statusCode, 200, res.body)
})

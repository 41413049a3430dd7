import t from 'tap'
import { buildWithMail, registerWithEmail, uniqueEmail } from './app.js'

const ROUNDS = 300

function stats (samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) }
}

const format = ({ median, p10, p90 }: ReturnType<typeof stats>) => `median ${median.toFixed(3)} ms (p10 ${p10.toFixed(3)}, p90 ${p90.toFixed(3)})`

/**
 * Known vs unknown address on POST /auth/password/forgot, interleaved, over real SMTP. Reports
 * the numbers (t.comment) and asserts only what must hold: the same status and body every time.
 * No timing threshold (the suite never asserts speed): the numbers are for the report and the
 * README. The lookup and the send run after the reply, so the reply's time should not depend
 * on the account.
 */
t.test('forgot timing - known and unknown addresses, interleaved: same replies; times reported', async (t) => {
  let clock = Date.now()
  const { app, smtp } = await buildWithMail(t, { now: () => clock, env: { EMAIL_VERIFICATION: 'off' } })
  const user = await registerWithEmail(app)
  const timings = { known: [] as number[], unknown: [] as number[] }
  const bodies = new Set<string>()
  for (let round = 0; round < ROUNDS + 20; round++) {
    // A new minute each round keeps the known address under its limit some of the time, so the
    // known side does real work (token + mail) in the background as it would in life.
    clock += 61_000
    for (const kind of round % 2 === 0 ? ['known', 'unknown'] as const : ['unknown', 'known'] as const) {
      const email = kind === 'known' ? user.email : uniqueEmail('nobody')
      const started = process.hrtime.bigint()
      const res = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } })
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6
      bodies.add(`${res.statusCode} ${res.body}`)
      if (round >= 20) timings[kind].push(elapsed) // the first rounds warm the JIT up
      // Each request is timed alone: the background work of the previous one is finished.
      await app.accountEmail.drain()
    }
  }
  t.equal(bodies.size, 1, 'one status and body for every request')
  t.ok(smtp.messages.length > 0, 'the known address did get mail')
  t.comment(`known   ${format(stats(timings.known))}`)
  t.comment(`unknown ${format(stats(timings.unknown))}`)
})

import argon2 from '@node-rs/argon2'
import t from 'tap'
import { assertAcceptablePassword } from '../../services/password-policy.js'
import { createPasswordHasher, HashingOverloadedError, OWASP_ARGON2ID } from '../../services/password.js'

/** Full-width letters, a ligature and a circled digit: NFKC turns this into "Password fine 1 ok". */
const TYPED = 'Ｐａｓｓｗｏｒｄ ﬁne ① ok'
const NFKC = 'Password fine 1 ok'

t.test('hash - the NFKC form is hashed: the typed and the normalised form are one password', async (t) => {
  t.equal(TYPED.normalize('NFKC'), NFKC)
  const hasher = await createPasswordHasher()
  const stored = await hasher.hash(TYPED)
  t.equal(await hasher.verify(stored, NFKC), true)
  t.equal(await hasher.verify(stored, TYPED), true)
  t.equal(await hasher.verify(stored, 'Password fine 2 ok'), false)
  t.same(await hasher.verifyAndUpgrade(stored, TYPED), { matches: true, upgradedHash: null }, 'a normalised hash needs no upgrade')
})

t.test('verifyAndUpgrade - a hash of the raw, non-NFKC password (stored before normalisation) still verifies, and is replaced', async (t) => {
  const hasher = await createPasswordHasher()
  const legacy = await argon2.hash(TYPED, { ...OWASP_ARGON2ID, algorithm: 2 })
  t.equal(await argon2.verify(legacy, NFKC), false, 'the legacy hash is of the typed form only')
  const { matches, upgradedHash } = await hasher.verifyAndUpgrade(legacy, TYPED)
  t.equal(matches, true)
  t.type(upgradedHash, 'string')
  t.equal(await argon2.verify(upgradedHash as string, NFKC), true, 'the new hash is of the NFKC form')
  t.same(await hasher.verifyAndUpgrade(legacy, 'Ｐａｓｓｗｏｒｄ ﬁne ② ok'), { matches: false, upgradedHash: null })
  t.same(await hasher.verifyAndUpgrade(legacy, NFKC), { matches: false, upgradedHash: null }, 'the NFKC form cannot match a hash of another string')
})

t.test('policy - one repeated character is refused, whatever its length', async (t) => {
  for (const password of ['aaaaaaaa', 'a'.repeat(200), '🔑'.repeat(12), ' '.repeat(20), 'ａａａａａａａａａ', 'a\u200Ba\u200Ba\u200Ba\u200Ba\u200Ba\u200Ba\u200Ba']) {
    t.throws(() => assertAcceptablePassword(password, 'someone'), { code: 'weak_password' }, JSON.stringify(password))
  }
  t.doesNotThrow(() => assertAcceptablePassword('aaaaaaab', 'someone'), 'two characters is a choice the policy leaves to the blocklist')
})

t.test('policy - the blocklist sees through NFKC look-alikes and invisible characters', async (t) => {
  const invisible = ['\u200B', '\u200C', '\u200D', '\u00AD', '\uFEFF', '\u2060', '\u200E', '\u034F', '\uFE0F', '\u180E']
  for (const mark of invisible) {
    t.throws(() => assertAcceptablePassword(`pass${mark}word`, 'someone'), { code: 'weak_password', message: /common/ }, `U+${mark.codePointAt(0)?.toString(16).toUpperCase()}`)
  }
  t.throws(() => assertAcceptablePassword('\uFEFFPassword1\u200B', 'someone'), { message: /common/ })
  t.throws(() => assertAcceptablePassword('ｐａｓｓｗｏｒｄ', 'someone'), { message: /common/ }, 'full-width')
  t.throws(() => assertAcceptablePassword('qwerty\u00AD\u00AD\u00AD', 'someone'), { message: /visible characters|common/ })
  t.throws(() => assertAcceptablePassword('some\u200Bone_else', 'someone_else'), { message: /username/ })
})

t.test('queue bound - beyond maxQueued waiting hashes, a hash fails at once with 503 overloaded', async (t) => {
  const hasher = await createPasswordHasher(OWASP_ARGON2ID, { parallelism: 1, maxQueued: 1 })
  const running = hasher.hash('first password')
  const queued = hasher.hash('second password')
  await t.rejects(hasher.hash('third password'), HashingOverloadedError)
  await t.rejects(hasher.verify('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g', 'x'), { statusCode: 503, code: 'overloaded', retryAfterSeconds: 1 })
  t.match(await running, /^\$argon2id\$/)
  t.match(await queued, /^\$argon2id\$/, 'those admitted finish')
  t.match(await hasher.hash('after the queue drained'), /^\$argon2id\$/)
})

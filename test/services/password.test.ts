import t from 'tap'
import { createPasswordHasher } from '../../services/password.js'

t.test('hash - should produce an argon2id hash with the OWASP parameters and a random salt', async (t) => {
  const hasher = await createPasswordHasher()
  const first = await hasher.hash('pässwörd with spaces: and colons')
  const second = await hasher.hash('pässwörd with spaces: and colons')
  const [, algorithm, version, params] = first.split('$')
  t.equal(algorithm, 'argon2id')
  t.equal(version, 'v=19')
  t.same(params?.split(',').sort(), ['m=19456', 'p=1', 't=2'])
  t.not(first, second)
  t.equal(await hasher.verify(first, 'pässwörd with spaces: and colons'), true)
  t.equal(await hasher.verify(first, 'pässwörd with spaces: and colon'), false)
})

t.test('verify - should accept hashes stored by the argon2 package used before (parameters in another order)', async (t) => {
  const hasher = await createPasswordHasher()
  // Made by argon2@0.45.1 (node-argon2) with the same parameters, before @node-rs/argon2.
  const stored = '$argon2id$v=19$m=19456,p=1,t=2$iPxUi67GKLJn5PMWlOkSMg$+Nsln653cFfH/n9znMEoET45sWowkV7nvaWk4VRHpEo'
  t.equal(await hasher.verify(stored, 'stored before the library change'), true)
  t.equal(await hasher.verify(stored, 'stored before the library change!'), false)
})

t.test('verify - should treat anything but an argon2id hash as a mismatch', async (t) => {
  const hasher = await createPasswordHasher()
  t.equal(await hasher.verify('plaintext-password', 'plaintext-password'), false)
  t.equal(await hasher.verify('', ''), false)
  t.equal(await hasher.verify('$argon2id$', 'x'), false, 'no parameters')
  t.equal(await hasher.verify('$argon2id$v=19$m=99999999999,t=2,p=1$c2FsdHNhbHQxMjM0NTY$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA', 'x'), false, 'a memory cost out of range is refused, not allocated')
})

t.test('verifyDummy - should always answer false', async (t) => {
  const hasher = await createPasswordHasher()
  t.equal(await hasher.verifyDummy('anything'), false)
})

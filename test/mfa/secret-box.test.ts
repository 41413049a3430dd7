import { randomBytes } from 'node:crypto'
import t from 'tap'
import { ConfigError } from '../../services/config.js'
import { mfaKeySource } from '../../services/mfa/encryption-key.js'
import { createSecretBox, keyIdOf, parseEncryptionKey } from '../../services/mfa/secret-box.js'
import { hashRecoveryCode, newRecoveryCode } from '../../services/mfa/recovery-codes.js'
import { matchingTotpStep, newTotpSecret, totpCode } from '../../services/mfa/totp.js'

t.test('secret box - round trip, bound to its context, tampering and truncated tags refused', async (t) => {
  const box = createSecretBox([randomBytes(32)])
  const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp\u0000user-1')
  t.equal(box.open(sealed, 'totp\u0000user-1'), 'JBSWY3DPEHPK3PXP')
  t.not(box.seal('JBSWY3DPEHPK3PXP', 'totp\u0000user-1'), sealed, 'a fresh IV each time')
  t.throws(() => box.open(sealed, 'totp\u0000user-2'), { name: 'SecretBoxError' }, 'copied onto another user it does not open')
  const parts = sealed.split('.')
  const flipped = [...parts]
  flipped[3] = Buffer.from(Buffer.from(parts[3] ?? '', 'base64url').map((byte, i) => i === 0 ? byte ^ 1 : byte)).toString('base64url')
  t.throws(() => box.open(flipped.join('.'), 'totp\u0000user-1'), { name: 'SecretBoxError' }, 'a changed ciphertext')
  const shortTag = [...parts]
  shortTag[4] = Buffer.from(parts[4] ?? '', 'base64url').subarray(0, 4).toString('base64url')
  t.throws(() => box.open(shortTag.join('.'), 'totp\u0000user-1'), { name: 'SecretBoxError' }, 'a truncated tag')
  t.throws(() => box.open(`v2.${parts.slice(1).join('.')}`, 'totp\u0000user-1'), { message: /unknown ciphertext format/ })
})

t.test('secret box - rotation: the first key seals, older keys still open what they sealed; an unknown key is named', async (t) => {
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)]
  const before = createSecretBox([oldKey]).seal('secret', 'c')
  const rotated = createSecretBox([newKey, oldKey])
  t.equal(rotated.open(before, 'c'), 'secret')
  t.match(rotated.seal('secret', 'c'), new RegExp(`^v1\\.${keyIdOf(newKey)}\\.`))
  t.throws(() => createSecretBox([newKey]).open(before, 'c'), { message: new RegExp(`key ${keyIdOf(oldKey)}, which is not configured`) })
})

t.test('MFA_ENCRYPTION_KEY - hex or base64 32 bytes, a comma list for rotation; anything else refused by name; unset: derived, with a notice', async (t) => {
  const key = randomBytes(32)
  t.same(parseEncryptionKey(key.toString('hex')), key)
  t.same(parseEncryptionKey(key.toString('base64')), key)
  t.same(parseEncryptionKey(key.toString('base64url')), key)
  t.equal(parseEncryptionKey(randomBytes(16).toString('base64')), null)
  t.equal(parseEncryptionKey('correct horse battery staple'), null)
  const jwt = { JWT_SECRET: 'x'.repeat(48), jwtSecretGenerated: false }
  t.equal(mfaKeySource({ ...jwt, MFA_ENCRYPTION_KEY: `${key.toString('base64')},${randomBytes(32).toString('hex')}` }).box.keyId, keyIdOf(key))
  t.throws(() => mfaKeySource({ ...jwt, MFA_ENCRYPTION_KEY: 'too-short' }), ConfigError)
  t.throws(() => mfaKeySource({ ...jwt, MFA_ENCRYPTION_KEY: 'too-short' }), { message: /MFA_ENCRYPTION_KEY: key 1 .*openssl rand -base64 32/ })
  const derived = mfaKeySource(jwt)
  t.match(derived.notice, /MFA_ENCRYPTION_KEY is not set/)
  t.equal(derived.box.keyId, mfaKeySource(jwt).box.keyId, 'the same JWT secret derives the same key (secrets survive a restart)')
  t.match(mfaKeySource({ ...jwt, jwtSecretGenerated: true }).notice, /stop working at restart/)
})

t.test('totp and recovery codes - window of one step, codes of 6 digits only; recovery codes readable and hashed per user', async (t) => {
  const secret = newTotpSecret()
  const at = Date.parse('2026-12-06T12:00:10Z')
  const step = Math.floor(at / 30_000)
  t.equal(matchingTotpStep(secret, totpCode(secret, at), at), step)
  t.equal(matchingTotpStep(secret, totpCode(secret, at + 30_000), at), step + 1)
  t.equal(matchingTotpStep(secret, totpCode(secret, at - 30_000), at), step - 1)
  t.equal(matchingTotpStep(secret, totpCode(secret, at + 60_000), at), null)
  t.equal(matchingTotpStep(secret, ` ${totpCode(secret, at)}`, at), null)
  t.equal(matchingTotpStep(secret, '12345', at), null)
  const code = newRecoveryCode()
  t.match(code, /^[A-HJKMNP-TV-Z2-9]{5}-[A-HJKMNP-TV-Z2-9]{5}$/)
  t.equal(hashRecoveryCode('u1', code), hashRecoveryCode('u1', code.toLowerCase().replace('-', ' ')))
  t.not(hashRecoveryCode('u1', code), hashRecoveryCode('u2', code), 'salted by the user')
})

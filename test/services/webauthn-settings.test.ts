import t from 'tap'
import { loadConfig } from '../../services/config.js'
import { webauthnSettings } from '../../services/webauthn/settings.js'

const settings = (env: Record<string, string>) => webauthnSettings(loadConfig({ JWT_SECRET: 'x'.repeat(32), STORAGE_URL: 'memory://', ...env }))

t.test('defaults: the public URL\'s host and origin; an IP address becomes localhost', async (t) => {
  t.match(settings({}), { rpId: 'localhost', origins: ['http://localhost:3000'], rpName: 'fastify-jwt-auth-server' })
  t.match(settings({ HOST: '::1', PORT: '4000' }), { rpId: 'localhost', origins: ['http://localhost:4000'] })
  t.match(settings({ PUBLIC_URL: 'https://auth.example.com/base' }), { rpId: 'auth.example.com', origins: ['https://auth.example.com'] })
  t.match(settings({ WEBAUTHN_RP_NAME: 'Example' }), { rpName: 'Example' })
})

t.test('an RP ID must cover every origin, and may be a parent domain', async (t) => {
  t.match(settings({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://a.example.com, https://example.com' }), { rpId: 'example.com', origins: ['https://a.example.com', 'https://example.com'] })
  t.throws(() => settings({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' }), { name: 'ConfigError', message: /WEBAUTHN_RP_ID=example.com does not cover the origin https:\/\/example.org/ })
  t.throws(() => settings({ WEBAUTHN_RP_ID: 'ample.com', WEBAUTHN_ORIGINS: 'https://example.com' }), { name: 'ConfigError' }, 'a suffix that is not a parent domain')
  t.throws(() => settings({ WEBAUTHN_RP_ID: '10.0.0.1', WEBAUTHN_ORIGINS: 'http://10.0.0.1' }), { message: /IP address/ })
})

t.test('WEBAUTHN_ORIGINS lists bare http(s) origins', async (t) => {
  for (const bad of ['https://example.com/', 'example.com', 'ftp://example.com', ' , ', 'https://example.com/path']) {
    t.throws(() => settings({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: bad }), { name: 'ConfigError', message: /WEBAUTHN_ORIGINS/ }, JSON.stringify(bad))
  }
})

t.test('production: https origins only', async (t) => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'kP9#vX2$mQ7!wR4&zT8*bN3^cL6@hJ1%', STORAGE_URL: 'sqlite:///tmp/x.db', MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), EMAIL_VERIFICATION: 'off', PASSWORD_RESET: 'off' }
  t.throws(() => settings({ ...production, PUBLIC_URL: 'http://auth.example.com' }), { message: /^PUBLIC_URL \(the default of WEBAUTHN_ORIGINS\): http:\/\/auth.example.com is not https:\/\/ when NODE_ENV=production/ })
  t.throws(() => settings({ ...production, PUBLIC_URL: 'https://auth.example.com', WEBAUTHN_ORIGINS: 'http://auth.example.com' }), { message: /^WEBAUTHN_ORIGINS: http:\/\/auth.example.com is not https:\/\// })
  t.match(settings({ ...production, PUBLIC_URL: 'https://auth.example.com' }), { rpId: 'auth.example.com', origins: ['https://auth.example.com'] })
})

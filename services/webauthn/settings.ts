import { isIP } from 'node:net'
import type { AppConfig } from '../config.js'
import { ConfigError } from '../config.js'
import { readPackageInfo } from '../package-info.js'
import { publicBaseUrl } from '../public-url.js'

/** Where passkeys live: the relying party id and name, and the page origins allowed to use them. */
export interface WebAuthnSettings {
  rpId: string
  rpName: string
  origins: string[]
}

type SettingsConfig = Pick<AppConfig, 'NODE_ENV' | 'PUBLIC_URL' | 'JWT_ISSUER' | 'HOST' | 'PORT' | 'WEBAUTHN_RP_ID' | 'WEBAUTHN_RP_NAME' | 'WEBAUTHN_ORIGINS'>

/**
 * The WebAuthn settings from configuration only (never from a request's Host or Origin): a
 * passkey is bound to its RP ID for life, so it must not depend on how a request arrived.
 * Defaults come from the server's public URL (services/public-url.ts): http://localhost:3000 in
 * development gives RP ID 'localhost' and that one origin. Throws a ConfigError naming the
 * variable when the browser would refuse the combination anyway.
 */
export function webauthnSettings (config: SettingsConfig): WebAuthnSettings {
  const base = new URL(publicBaseUrl(config))
  // An IP address is never an RP ID (browsers refuse it): a server reached at 127.0.0.1:3000 in
  // development offers passkeys at http://localhost:3000, the same machine by a name.
  if (isIP(base.hostname.replace(/^\[|\]$/g, '')) !== 0) base.hostname = 'localhost'
  const origins = config.WEBAUTHN_ORIGINS === undefined ? [base.origin] : parseOrigins(config.WEBAUTHN_ORIGINS)
  const rpId = (config.WEBAUTHN_RP_ID ?? base.hostname).toLowerCase()
  if (isIP(rpId) !== 0) throw new ConfigError(`WEBAUTHN_RP_ID=${rpId} is an IP address, which browsers refuse as an RP ID: set a domain name (localhost in development)`)
  for (const origin of origins) {
    const host = new URL(origin).hostname
    // A browser accepts an RP ID equal to the page's host or a parent domain of it (never an IP's parent).
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new ConfigError(`WEBAUTHN_RP_ID=${rpId} does not cover the origin ${origin}: the RP ID must be that origin's host name or a parent domain of it (set WEBAUTHN_RP_ID or WEBAUTHN_ORIGINS)`)
    }
    if (config.NODE_ENV === 'production' && !origin.startsWith('https://')) {
      const source = config.WEBAUTHN_ORIGINS === undefined ? 'PUBLIC_URL (the default of WEBAUTHN_ORIGINS)' : 'WEBAUTHN_ORIGINS'
      throw new ConfigError(`${source}: ${origin} is not https:// when NODE_ENV=production: browsers offer passkeys only to secure pages; set PUBLIC_URL to your https:// URL or list https:// origins in WEBAUTHN_ORIGINS`)
    }
  }
  return { rpId, rpName: config.WEBAUTHN_RP_NAME ?? readPackageInfo().name, origins }
}

function parseOrigins (raw: string): string[] {
  const origins = raw.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '')
  if (origins.length === 0) throw new ConfigError('WEBAUTHN_ORIGINS lists no origin: unset it (PUBLIC_URL\'s origin is used) or list origins like https://app.example.com')
  for (const origin of origins) {
    let parsed: URL | null = null
    try {
      parsed = new URL(origin)
    } catch {}
    if (parsed === null || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError(`Invalid environment variable WEBAUTHN_ORIGINS: ${JSON.stringify(origin)} is not a bare http(s) origin: list origins separated by commas, like WEBAUTHN_ORIGINS=https://auth.example.com,https://app.example.com`)
    }
  }
  return origins
}

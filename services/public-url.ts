import type { AppConfig } from './config.js'

/**
 * Where clients reach this server, from configuration only: PUBLIC_URL, else a JWT_ISSUER that
 * is a URL, else (development) http://localhost:PORT, or HOST when it names one interface.
 * Never the request's Host or X-Forwarded-Host: an attacker's value would point clients (and
 * any cache in between) at the attacker's token endpoint and keys. Production requires
 * PUBLIC_URL or an https:// JWT_ISSUER (services/production-guard.ts).
 */
export function publicBaseUrl (config: Pick<AppConfig, 'PUBLIC_URL' | 'JWT_ISSUER' | 'HOST' | 'PORT'>): string {
  const configured = config.PUBLIC_URL ?? (/^https?:\/\//.test(config.JWT_ISSUER) ? config.JWT_ISSUER : null)
  if (configured !== null) return configured.replace(/\/+$/, '')
  const anyInterface = config.HOST === '0.0.0.0' || config.HOST === '::'
  const host = anyInterface ? 'localhost' : config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST
  return `http://${host}:${config.PORT}`
}

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { readPackageInfo } from '../services/package-info.js'

/**
 * OpenAPI 3 document generated from the route schemas (the single source of truth), served at
 * /openapi.json, with Swagger UI at /docs (assets shipped in the package: works offline).
 */
/**
 * Swagger UI's policy: everything from this server, scripts from files only. Its bundle applies
 * inline styles (Chromium reports a violation without 'unsafe-inline'), so styles get it here:
 * not scripts, and not on any other page.
 */
const DOCS_CSP = "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'"

export default fp(async (fastify) => {
  const { name, version } = readPackageInfo()
  await fastify.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: name,
        version,
        description: 'JWT authentication microserver: register, login (HTTP Basic or JSON), refresh with rotation and reuse detection, logout, OAuth 2.0 token / revoke / introspect, JWKS.'
      },
      tags: [
        { name: 'service', description: 'What this service is, liveness, readiness' },
        { name: 'auth', description: 'Accounts and sessions' },
        { name: 'oauth', description: 'OAuth 2.0 endpoints (RFC 6749, 7009, 7662) and key discovery' },
        { name: 'public', description: 'Example routes anyone may call' },
        { name: 'protected', description: 'Example routes guarded by a Bearer access token' },
        { name: 'admin', description: 'User administration (role admin)' },
        { name: 'mfa', description: 'Second factors: authenticator app (TOTP), recovery codes, the login challenge, step-up' },
        { name: 'passkeys', description: 'Passkeys (WebAuthn): register, usernameless login or second factor, list, delete' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from /auth/login, /auth/refresh or /oauth/token' },
          basicAuth: { type: 'http', scheme: 'basic', description: 'Username and password (login), or client id and secret (introspection)' }
        }
      }
    },
    hideUntagged: false
  })
  await fastify.register(swaggerUi, {
    routePrefix: '/docs',
    // No validator badge fetched from validator.swagger.io, no upgrade-insecure-requests (see
    // plugins/helmet.ts): the page works offline and on a plain-HTTP development host.
    staticCSP: DOCS_CSP,
    uiConfig: { deepLinking: true, validatorUrl: null }
  })
  fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
}, { name: 'swagger', dependencies: ['config'] })

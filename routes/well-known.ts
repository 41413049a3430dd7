import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { publicBaseUrl } from '../services/public-url.js'

/** The document is the same for every request (never built from Host): any cache may keep it a while. */
const CACHE_CONTROL = 'public, max-age=300'

const Jwks = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.Literal('sig'),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    y: Type.Optional(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String())
  }))
}, { description: 'JWK set', examples: [{ keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k', alg: 'EdDSA', use: 'sig' }] }] })

const Discovery = Type.Object({
  issuer: Type.String(),
  jwks_uri: Type.String(),
  token_endpoint: Type.String(),
  revocation_endpoint: Type.String(),
  introspection_endpoint: Type.String(),
  grant_types_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
  introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
  id_token_signing_alg_values_supported: Type.Array(Type.String())
}, {
  description: 'Discovery document',
  examples: [{
    issuer: 'https://auth.example.com',
    jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
    token_endpoint: 'https://auth.example.com/oauth/token',
    revocation_endpoint: 'https://auth.example.com/oauth/revoke',
    introspection_endpoint: 'https://auth.example.com/oauth/introspect',
    grant_types_supported: ['password', 'refresh_token'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    id_token_signing_alg_values_supported: ['EdDSA']
  }]
})

/** Public keys (JWKS) and a discovery document, so other services verify our tokens on their own. */
const wellKnown: FastifyPluginAsyncTypebox = async (fastify) => {
  const { signingKeys, config } = fastify
  // Only public members; a shared HS256 secret is never published.
  const jwks = {
    keys: [...signingKeys.byKid.values()].flatMap(({ publicJwk }) => publicJwk === null ? [] : [publicJwk as Record<string, unknown> & { kty: string, kid: string, alg: string, use: 'sig' }])
  }
  const base = publicBaseUrl(config)

  fastify.get('/.well-known/jwks.json', { schema: { tags: ['oauth'], summary: 'Public signing keys (JWK set)', response: { 200: Jwks } } }, async (_request, reply) => {
    return reply.header('cache-control', CACHE_CONTROL).send(jwks)
  })

  // Built once: nothing in it depends on the request, so a shared cache may keep it.
  const document = {
    issuer: config.JWT_ISSUER,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
    introspection_endpoint: `${base}/oauth/introspect`,
    grant_types_supported: ['password', 'refresh_token'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
    // Required by OpenID discovery clients; here it names the access tokens' algorithm.
    id_token_signing_alg_values_supported: [signingKeys.algorithm]
  }
  const discovery = async (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', CACHE_CONTROL).send(document)
  const schema = { tags: ['oauth'], summary: 'Discovery document: issuer, jwks_uri and endpoints', response: { 200: Discovery } }
  fastify.get('/.well-known/openid-configuration', { schema }, discovery)
  fastify.get('/.well-known/oauth-authorization-server', { schema }, discovery)
}

export default wellKnown

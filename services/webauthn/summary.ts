import type { PasskeyRecord } from '../storage/types.js'

/** What a client sees of a passkey (the reply shape of schemas/passkeys.ts): no public key, counter or transports, which it never needs. */
export function passkeySummary (passkey: PasskeyRecord) {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: passkey.createdAt.toISOString(),
    last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
    backed_up: passkey.backedUp
  }
}

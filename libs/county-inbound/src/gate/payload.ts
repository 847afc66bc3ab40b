import { createHash } from 'node:crypto';
import { signatureJson } from '@vanguard/contracts';

/**
 * The digest that tells a resend from a reused id: what the message asks for (type, version,
 * subject, sequence, organisation and data, as sent), not when or with which token it was sent —
 * a county resending after an outage may stamp a new occurredAt and must still get `duplicate`.
 *
 * Over the canonical JSON event signatures use: the gate had its own, which wrote an array's hole
 * as `null` where that one writes an empty element. A payload comes from JSON.parse, which makes no
 * holes, so every digest stored before is the same (gate.unit.spec.ts compares on random payloads).
 */
export function payloadSha256(raw: Record<string, unknown>): string {
  const { type, version, streamId, streamVersion, orgId, data } = raw;
  return createHash('sha256').update(signatureJson({ type, version, streamId, streamVersion, orgId, data })).digest('hex');
}

/** Every organisation a message's data names: `orgId` and any `…OrgId` field (e.g. a deed's helperOrgId). */
export function orgIdsIn(data: unknown): string[] {
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([k, v]) => (k === 'orgId' || k.endsWith('OrgId')) && typeof v === 'string')
    .map(([, v]) => v as string);
}

import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The digest that tells a resend from a reused id: what the message asks for (type, version,
 * subject, sequence, organisation and data, as sent), not when or with which token it was sent —
 * a county resending after an outage may stamp a new occurredAt and must still get `duplicate`.
 */
export function payloadSha256(raw: Record<string, unknown>): string {
  const { type, version, streamId, streamVersion, orgId, data } = raw;
  return createHash('sha256').update(canonicalJson({ type, version, streamId, streamVersion, orgId, data })).digest('hex');
}

/** Every organisation a message's data names: `orgId` and any `…OrgId` field (e.g. a deed's helperOrgId). */
export function orgIdsIn(data: unknown): string[] {
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([k, v]) => (k === 'orgId' || k.endsWith('OrgId')) && typeof v === 'string')
    .map(([, v]) => v as string);
}

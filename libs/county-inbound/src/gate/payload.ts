import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  // Plain loops: this runs for every inbound message, on the gate's hot path.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
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

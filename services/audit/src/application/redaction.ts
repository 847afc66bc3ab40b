/**
 * Personal values are stored encrypted (`{ $personal: { subject, … } }`) and auditors never hold
 * the keys, so every such value — forgotten or not — reads as `{ $redacted: subject }`. The hash
 * chain covers the ciphertext, so a forgotten person's values still verify: redacted, never tampered.
 */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const personal = o['$personal'] as { subject?: unknown } | undefined;
  if (personal && typeof personal === 'object') return { $redacted: typeof personal.subject === 'string' ? personal.subject : true };
  if ('$forgotten' in o) return { $redacted: o['$forgotten'] };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = redact(v);
  return out;
}

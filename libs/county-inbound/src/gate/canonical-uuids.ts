import { lowerCaseUuids } from '@vanguard/kernel';

export { lowerCaseUuids };

/**
 * `value` with every string's UUIDs lower-cased (field names are kept). Ids embedded in a name
 * (`roster-member-<id>`) are ids too: the streamId must stay the Kafka key. Recurses once per
 * level: only for a value whose depth the gate has bounded (findUnstorableText).
 */
export function canonicalUuids(value: unknown): unknown {
  if (typeof value === 'string') return lowerCaseUuids(value);
  if (Array.isArray(value)) return value.map(canonicalUuids);
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines each key as its own property, `__proto__` from JSON.parse included.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalUuids(v)]));
}

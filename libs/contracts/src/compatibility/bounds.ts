import type { JsonSchema } from './json-schema';
import type { Rejection } from './walk';

type Bound = { value: number; exclusive: boolean } | undefined;

function lower(s: JsonSchema, inclusive: string, exclusive: string): Bound {
  const a = typeof s[inclusive] === 'number' ? { value: s[inclusive], exclusive: false } : undefined;
  const b = typeof s[exclusive] === 'number' ? { value: s[exclusive], exclusive: true } : undefined;
  if (!a || !b) return a ?? b;
  return b.value >= a.value ? b : a;
}

function upper(s: JsonSchema, inclusive: string, exclusive: string): Bound {
  const a = typeof s[inclusive] === 'number' ? { value: s[inclusive], exclusive: false } : undefined;
  const b = typeof s[exclusive] === 'number' ? { value: s[exclusive], exclusive: true } : undefined;
  if (!a || !b) return a ?? b;
  return b.value <= a.value ? b : a;
}

/** Source bounds must lie inside target bounds, for numbers, lengths, item and property counts. */
export function bounds(s: JsonSchema, t: JsonSchema, at: string): Rejection[] {
  const out: Rejection[] = [];
  const pairs: [string, string, string][] = [
    ['minimum', 'exclusiveMinimum', 'lower'],
    ['maximum', 'exclusiveMaximum', 'upper'],
    ['minLength', '', 'lower'],
    ['maxLength', '', 'upper'],
    ['minItems', '', 'lower'],
    ['maxItems', '', 'upper'],
    ['minProperties', '', 'lower'],
    ['maxProperties', '', 'upper'],
  ];
  for (const [inc, exc, side] of pairs) {
    const tb = side === 'lower' ? lower(t, inc, exc) : upper(t, inc, exc);
    if (!tb) continue;
    const sb = side === 'lower' ? lower(s, inc, exc) : upper(s, inc, exc);
    const inside = sb !== undefined && (side === 'lower' ? sb.value > tb.value : sb.value < tb.value);
    const fits = inside || (sb !== undefined && sb.value === tb.value && (sb.exclusive || !tb.exclusive));
    if (!fits) out.push({ path: at, change: `the receiving side requires ${tb.exclusive ? exc : inc} ${tb.value}` });
  }
  return out;
}

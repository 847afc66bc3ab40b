import { isObject, type JsonSchema } from './json-schema';
import { acceptsValue } from './value-check';
import type { Recurse, Rejection, Walk } from './walk';

/**
 * Object keywords: required, properties, additionalProperties, propertyNames. A property
 * only one side declares matters when the target forbids extra keys or the sender may send
 * any key (`additionalProperties` given, or senders outside the platform — `Walk.openSenders`).
 */
export function objects(s: JsonSchema, t: JsonSchema, path: string, w: Walk, walk: Recurse): Rejection[] {
  const out: Rejection[] = [];
  const sp = isObject(s['properties']) ? s['properties'] : {};
  const tp = isObject(t['properties']) ? t['properties'] : {};
  const sreq = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  const treq = Array.isArray(t['required']) ? (t['required'] as string[]) : [];
  // undefined: closed by the declared-properties rule (platform producers publish the parsed
  // message) unless the senders are outside ones; true/{}/schema: open to further keys.
  const sExtra = s['additionalProperties'] ?? (w.openSenders ? true : undefined);
  const sOpen = sExtra !== undefined && sExtra !== false;
  const tExtra = t['additionalProperties'];

  for (const name of treq) {
    if (!sreq.has(name)) {
      out.push({
        path: `${path}/properties/${name}`,
        change:
          name in sp ? 'may be absent, but the receiving side requires it' : 'required by the receiving side, not declared by the sender',
      });
    }
  }
  for (const [name, ts] of Object.entries(tp)) {
    const at = `${path}/properties/${name}`;
    if (name in sp) out.push(...walk(sp[name], ts, at, w));
    else if (sOpen) out.push(...walk(sExtra, ts, at, w));
  }
  for (const [name, ss] of Object.entries(sp)) {
    if (name in tp) continue;
    const at = `${path}/properties/${name}`;
    if (tExtra === false) out.push({ path: at, change: 'property not allowed by the receiving side' });
    else if (tExtra !== undefined) out.push(...walk(ss, tExtra, at, w));
  }
  if (sOpen && tExtra !== undefined) {
    if (tExtra === false) out.push({ path: path || '/', change: 'the receiving side allows no additional properties' });
    else out.push(...walk(sExtra, tExtra, `${path}/additionalProperties`, w));
  }
  if (t['propertyNames'] !== undefined) {
    const at = `${path}/propertyNames`;
    if (s['propertyNames'] !== undefined) out.push(...walk(s['propertyNames'], t['propertyNames'], at, w));
    else if (sOpen) out.push({ path: at, change: 'the receiving side restricts property names' });
    else {
      const names = isObject(t['propertyNames']) ? t['propertyNames'] : {};
      for (const name of Object.keys(sp)) {
        if (acceptsValue(names, name) !== true) out.push({ path: at, change: `property name ${JSON.stringify(name)} may be rejected` });
      }
    }
  }
  return out;
}

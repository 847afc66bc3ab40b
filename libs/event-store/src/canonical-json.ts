/**
 * RFC 8785 (JSON Canonicalization Scheme) serialisation: object keys sorted by UTF-16
 * code units, no whitespace, numbers as ECMAScript prints them, strings as JSON.stringify
 * escapes them. Same output as the `canonicalize` package, which ships as ESM only and so
 * cannot be loaded by the workspace's CommonJS Jest runtime; the benchmark cross-checks
 * the two on real events.
 */
const LONE_SURROGATE = /\p{Cs}/u;
/** String.prototype.isWellFormed (Node 20) is several times cheaper than the regex, which stays as the fallback. */
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

export function canonicalJson(value: unknown): string {
  const out = serialise(value);
  if (out === undefined) throw new TypeError('canonicalJson: top-level value is not serialisable');
  return out;
}

function serialise(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      if (!wellFormed(value)) throw new TypeError('canonicalJson: lone surrogate in string');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not allowed`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object': {
      if (value === null) return 'null';
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return serialise(withJson.toJSON());
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ',';
          s += serialise(value[i]) ?? 'null';
        }
        return s + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let s = '{';
      let first = true;
      for (const key of keys) {
        const v = serialise(record[key]);
        if (v === undefined) continue;
        if (!first) s += ',';
        first = false;
        s += serialise(key) + ':' + v;
      }
      return s + '}';
    }
    default:
      // undefined, functions and symbols are dropped from objects and become null in arrays.
      return undefined;
  }
}

/**
 * RFC 8785 text for the JSON this lib writes (manifests, proof files): strings, integers,
 * booleans, null, arrays and objects with keys in UTF-16 order. @vanguard/event-store has the
 * full canonicaliser, but this lib also runs inside `vanguard-verify`, which must load no
 * database driver, so it keeps this small one for its own files.
 */
export function canonical(value: unknown): string {
  // Already in canonical shape (keys in order, integers only): V8's JSON.stringify writes the same text many times faster.
  if (inCanonicalShape(value)) return JSON.stringify(value);
  return slowCanonical(value);
}

function slowCanonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical: only safe integers, got ${value}`);
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(slowCanonical).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${slowCanonical(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical: cannot serialise a ${typeof value}`);
  }
}

/** Strings, booleans, null, safe integers, arrays, and objects whose keys are already sorted and all defined. */
function inCanonicalShape(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(inCanonicalShape);
      if (Object.getPrototypeOf(value) !== Object.prototype) return false; // toJSON and friends: take the slow path
      const record = value as Record<string, unknown>;
      let previous: string | undefined;
      for (const key of Object.keys(record)) {
        if ((previous !== undefined && previous >= key) || !inCanonicalShape(record[key])) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Parses `text` and insists it is the canonical text of what it parses to (one spelling per value). */
export function parseCanonical(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (canonical(value) !== text) throw new SyntaxError('not in canonical form (RFC 8785: sorted keys, no white space)');
  return value;
}

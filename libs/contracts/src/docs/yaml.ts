/**
 * A small YAML emitter for JSON-shaped values (block style, double-quoted strings where
 * plain ones would be ambiguous). Enough for the AsyncAPI document; no parser needed.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9 _./()-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;
const KEY = /^[A-Za-z_$][A-Za-z0-9_.$-]*$/;

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') {
    return PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
  }
  throw new Error(`cannot emit ${typeof v} as YAML`);
}

function key(k: string): string {
  return KEY.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k);
}

function isCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function emit(v: unknown, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (!isCollection(item))
        return [`${indent}- ${Array.isArray(item) ? '[]' : typeof item === 'object' && item !== null ? '{}' : scalar(item)}`];
      const [first, ...rest] = emit(item, `${indent}  `);
      return [`${indent}- ${(first ?? '').trimStart()}`, ...rest];
    });
  }
  return Object.entries(v as Record<string, unknown>)
    .filter(([, val]) => val !== undefined)
    .flatMap(([k, val]) => {
      if (!isCollection(val)) {
        const s = Array.isArray(val) ? '[]' : typeof val === 'object' && val !== null ? '{}' : scalar(val);
        return [`${indent}${key(k)}: ${s}`];
      }
      return [`${indent}${key(k)}:`, ...emit(val, `${indent}  `)];
    });
}

export function toYaml(value: Record<string, unknown>): string {
  return `${emit(value, '').join('\n')}\n`;
}

/**
 * Text Vanguard takes in: what Postgres (and the JSON it stores events in) can store, and nothing
 * that reorders how a page shows it. The one rule for every text an HTTP body, a query, an imported
 * cell or a county message brings in (libs/http's pipe, libs/spreadsheet, libs/county-inbound's gate).
 */
export interface TextProblem {
  readonly field: string;
  readonly reason: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Explicit embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI) lay out the
// text after them in a direction of their choosing: a programme name 'abc\u202Egnp.exe' showed on
// the public notice as 'abcexe.png', and 张三\u202E四李 reads as another member. Chinese and the
// Arabic-script languages lay themselves out without them; the marks (U+200E, U+200F) stay.
const DIRECTION_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

// C0 controls other than tab and line breaks, and the noncharacters U+FFFE and U+FFFF: XML 1.0
// has no way to write them (§2.2), so a name holding one made the .docx and .xlsx that show it a
// file Word and Excel call corrupt, and ExcelJS dropped it from a roster export the CSV kept. No
// text anyone types holds them.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_IN_DOCUMENTS = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** The first direction control (U+202A–202E, U+2066–2069) in `text`, if any: for a rule that reads decoded text, as publicity's stories. */
export function directionControlIn(text: string): string | undefined {
  return DIRECTION_CONTROL.exec(text)?.[0];
}

/** Why Postgres (and the JSON it stores events in) cannot take this text, or undefined if it can. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return '含有空字符 / contains a NUL character (U+0000), which cannot be stored';
  if (UNPAIRED_SURROGATE.test(text))
    return '含有无效的 Unicode / contains an unpaired surrogate (U+D800–U+DFFF), which is not valid Unicode';
  const unwritable = NOT_IN_DOCUMENTS.exec(text)?.[0];
  if (unwritable !== undefined) {
    const code = `U+${unwritable.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `含有控制字符 ${code} / contains a control character or noncharacter (${code}), which no document can hold`;
  }
  const control = directionControlIn(text);
  if (control !== undefined) {
    const code = `U+${control.codePointAt(0)!.toString(16).toUpperCase()}`;
    return `含有文字方向控制符 ${code} / contains a bidirectional control (${code}), which would reorder how the text is shown`;
  }
  return undefined;
}

/** The text with NUL, each unpaired surrogate, direction control, other control and noncharacter replaced by U+FFFD: taken, whatever it held. */
export function toStorableText(text: string): string {
  return text
    .replaceAll('\u0000', '\ufffd')
    .replace(new RegExp(UNPAIRED_SURROGATE.source, 'g'), '\ufffd')
    .replace(new RegExp(DIRECTION_CONTROL.source, 'g'), '\ufffd')
    .replace(new RegExp(NOT_IN_DOCUMENTS.source, 'g'), '\ufffd');
}

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Names every object inherits (`__proto__`, `constructor`, `toString`, …): no field of any request or message. */
const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Deeper than any request of any service nests; a deeper one is refused before it is turned into its DTO. */
export const MAX_BODY_DEPTH = 32;

/**
 * Every string inside `value` (keys included) that cannot be stored, every field named like an
 * inherited property (`__proto__`, `constructor`, …) and
 * every place nested deeper than `MAX_BODY_DEPTH`, with its path (`members[2].name`). Iterative, so a deeply nested body cannot overflow the stack; Buffers
 * and streams (uploaded files) are not plain objects and are left to their own readers.
 */
export function findUnstorableText(value: unknown, root = ''): TextProblem[] {
  const problems: TextProblem[] = [];
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableTextReason(v);
      if (reason) problems.push({ field: path || '(value)', reason });
      continue;
    }
    if ((Array.isArray(v) || isPlain(v)) && depth >= MAX_BODY_DEPTH) {
      // The DTO transformer recurses once per level: a body 5,000 deep overflowed its stack (a 500).
      problems.push({ field: path || '(value)', reason: `嵌套过深 / nested deeper than ${MAX_BODY_DEPTH} levels` });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`, depth + 1]));
    } else if (isPlain(v)) {
      for (const [key, item] of Object.entries(v)) {
        const field = path ? `${path}.${key}` : key;
        const keyReason = unstorableTextReason(key);
        if (keyReason) problems.push({ field: path || '(keys)', reason: `字段名${keyReason.replace(' / ', ' / field name ')}` });
        // JSON.parse keeps "__proto__" as a field. Turning a body into its DTO drops it at the top
        // and, inside a nested DTO, makes it that DTO's prototype, so fields the DTO leaves out are
        // read from the caller's object; whitelisting never sees it. The other names every object
        // inherits (constructor, toString, …) pass the whitelist too: it looks a key up in a plain
        // object of the DTO's fields, so `"constructor": {…}` was taken where `"zzz": 1` was refused
        // (a hostile probe). No DTO has such a field.
        if (INHERITED.has(key)) problems.push({ field, reason: `不接受该字段 / property ${field} should not exist` });
        else stack.push([item, field, depth + 1]);
      }
    }
  }
  return problems.reverse();
}

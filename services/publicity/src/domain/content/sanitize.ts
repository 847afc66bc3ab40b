/**
 * Rich text is rebuilt, not filtered: the input is read as tokens and the output holds only
 * tags this file writes itself (an allowlist, without attributes except a checked `href`) and
 * text escaped again. Whatever the browser might make of the input — an event handler, a
 * `javascript:` link, a tag split across quotes — never reaches the output as markup, because
 * nothing of the input is copied through unescaped. (No HTML sanitiser is a dependency of the
 * repo; this one is small enough to read whole, and the XSS payload list in its spec proves it.)
 */

/** Tags kept, without any attribute; `a` keeps a checked href. */
const KEPT = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'a']);
const VOID = new Set(['br']);
/** Tags dropped with everything inside them: their content is code or a document of its own, not text. */
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'noscript',
  'template',
  'textarea',
  'title',
  'xmp',
  'svg',
  'math',
  'noembed',
  'noframes',
  'frameset',
  'plaintext',
]);
/** Links go only to web pages and mail addresses. */
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  colon: ':',
  tab: '\t',
  newline: '\n',
};

/** Decodes character references, so `&#106;avascript:` is judged as what a browser reads. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return NAMED[ref.toLowerCase()] ?? m;
  });
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The href of an `a` tag's attribute text, if it is a web or mail link once decoded and stripped of what browsers ignore. */
export function safeHref(attributes: string): string | undefined {
  const m = /(?:^|[\s/])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
  if (!m) return undefined;
  // Browsers skip control characters and whitespace inside a scheme (`java\tscript:`), so the check does too.
  // eslint-disable-next-line no-control-regex
  const href = decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return SAFE_HREF.test(href) ? href : undefined;
}

const NAME_START = /[a-zA-Z]/;
const NAME_PART = /[a-zA-Z0-9-]/;
const SPACE = /\s/;

/**
 * The tag opening at `lt`, read once from left to right: `not-a-tag` when `<` starts no tag name,
 * `unterminated` when the input ends inside it. A quote opens an attribute value only right after
 * `=` (as in the HTML tokenizer); elsewhere it is an ordinary character. It was a regex whose
 * quoted values could also match character by character: a 125-byte body (`<a` and forty `=""`
 * with no `>`) backtracked for hours on the one thread, and every `<` without a tag re-scanned the
 * rest of the input (200 KB of `<a` took 24 s). Now each character is read a bounded number of times.
 */
function tagAt(
  html: string,
  lt: number,
): { closing: boolean; name: string; attributes: string; end: number } | 'not-a-tag' | 'unterminated' {
  let p = lt + 1;
  const closing = html[p] === '/';
  if (closing) p++;
  if (!NAME_START.test(html[p] ?? '')) return 'not-a-tag';
  const nameStart = p;
  while (p < html.length && NAME_PART.test(html[p]!)) p++;
  const name = html.slice(nameStart, p);
  const attributesStart = p;
  while (p < html.length) {
    const c = html[p]!;
    if (c === '>') return { closing, name, attributes: html.slice(attributesStart, p), end: p + 1 };
    if (c === '=') {
      let q = p + 1;
      while (q < html.length && SPACE.test(html[q]!)) q++;
      const quote = html[q];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, q + 1);
        if (close < 0) return 'unterminated';
        p = close + 1;
        continue;
      }
    }
    p++;
  }
  return 'unterminated';
}

/** The allowlisted form of `html`: safe to render as HTML anywhere. */
export function sanitizeRichText(html: string): string {
  let out = '';
  const open: string[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += escapeHtml(decodeEntities(html.slice(i)));
      break;
    }
    out += escapeHtml(decodeEntities(html.slice(i, lt)));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      // Doctypes, CDATA and processing instructions carry nothing a reader needs.
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const tag = tagAt(html, lt);
    if (tag === 'not-a-tag') {
      out += '&lt;';
      i = lt + 1;
      continue;
    }
    if (tag === 'unterminated') {
      // As the HTML tokenizer at the end of the input inside a tag: nothing after it is markup.
      // The rest is escaped text, and no later `<` re-scans it.
      out += escapeHtml(decodeEntities(html.slice(lt)));
      break;
    }
    const { closing, attributes } = tag;
    const name = tag.name.toLowerCase();
    i = tag.end;
    if (DROPPED_WITH_CONTENT.has(name)) {
      if (!closing) {
        // Case-insensitive from here, not over a lower-cased copy of the whole input per tag
        // (11,700 scripts took 16 s), whose indices need not even be the original's.
        const closeTag = new RegExp(`</${name}`, 'gi');
        closeTag.lastIndex = i;
        const end = closeTag.exec(html)?.index ?? -1;
        const close = end < 0 ? -1 : html.indexOf('>', end);
        i = close < 0 ? html.length : close + 1;
      }
      continue;
    }
    if (!KEPT.has(name)) continue;
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      while (open.length > at) out += `</${open.pop()!}>`;
      continue;
    }
    if (VOID.has(name)) {
      out += `<${name}>`;
      continue;
    }
    if (name === 'a') {
      const href = safeHref(attributes);
      out += href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow">` : '<a>';
    } else {
      out += `<${name}>`;
    }
    open.push(name);
  }
  while (open.length > 0) out += `</${open.pop()!}>`;
  return out;
}

/** Plain text fields (names, titles, outlets): markup is not wanted there at all, so it is escaped on output and refused on input. */
export const looksLikeMarkup = (s: string): boolean => /<[a-zA-Z!/?]/.test(s);

/**
 * What a reader sees of rich text: the characters outside its tags, references decoded (one pass,
 * as a browser reads them), direction controls kept so a rule can see them — unlike libs/contracts
 * `shownText`, which drops format characters for the number check. A tag holds no '<' (with
 * [^>]* a story of 50,000 '<' scanned to its end from each).
 */
export const shownTextOf = (html: string): string => decodeEntities(html.replace(/<[^<>]*>/g, ''));

import { inflateSync } from 'node:zlib';

/** What a PDF holds, read the way a reader would: its objects, its embedded fonts, its text. */
export interface ReadPdf {
  readonly objects: number;
  /** BaseFont of every font whose program is in the file (FontFile, FontFile2 or FontFile3). */
  readonly embeddedFonts: string[];
  /** Text of the page content streams, mapped back to Unicode through the fonts' ToUnicode CMaps. */
  readonly text: string;
}

/**
 * A small reader for the PDFs pdfkit writes (direct /Length, Flate streams, hex-glyph TJ
 * arrays): enough to check a file parses, embeds its font and carries extractable text,
 * without a PDF toolkit on the machine. Throws on a stream that does not inflate.
 */
export function readPdf(pdf: Buffer): ReadPdf {
  const raw = pdf.toString('latin1');
  if (!raw.startsWith('%PDF-') || !/startxref\s+\d+\s+%%EOF\s*$/.test(raw)) throw new Error('not a complete PDF');
  const dicts = new Map<number, string>();
  const streams = new Map<number, string>();
  const obj = /(\d+) 0 obj\s*<<([\s\S]*?)>>\s*(stream\r?\n)?/g;
  for (let m = obj.exec(raw); m; m = obj.exec(raw)) {
    const id = Number(m[1]);
    dicts.set(id, m[2]!);
    if (!m[3]) continue;
    const length = Number(/\/Length (\d+)/.exec(m[2]!)?.[1]);
    const start = m.index + m[0].length;
    const bytes = pdf.subarray(start, start + length);
    streams.set(id, (/\/FlateDecode/.test(m[2]!) ? inflateSync(bytes) : bytes).toString('latin1'));
  }
  const embeddedFonts = [...dicts.values()]
    .filter((d) => /\/FontFile[23]? \d+ 0 R/.test(d))
    .map((d) => /\/FontName \/([^\s/]+)/.exec(d)?.[1] ?? '?');
  // Glyph id → text, from every ToUnicode CMap (bfchar and bfrange, with arrays).
  const toUnicode = new Map<number, string>();
  const hex = (h: string) => Buffer.from(h, 'hex').swap16().toString('utf16le');
  for (const d of dicts.values()) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(d)?.[1];
    const cmap = ref ? streams.get(Number(ref)) : undefined;
    if (!cmap) continue;
    for (const [, from, to, list] of cmap.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      // A ligature maps to several code units, written with spaces inside: <0066 0069> is "fi".
      const values = [...list!.matchAll(/<([0-9a-f\s]+)>/gi)].map((x) => hex(x[1]!.replace(/\s/g, '')));
      for (let g = parseInt(from!, 16); g <= parseInt(to!, 16); g++) toUnicode.set(g, values[g - parseInt(from!, 16)] ?? '');
    }
    for (const [, g, u] of cmap.matchAll(/^<([0-9a-f]{4})> <([0-9a-f]+)>$/gim)) toUnicode.set(parseInt(g!, 16), hex(u!));
  }
  const pages = [...dicts.entries()]
    .filter(([, d]) => /\/Type \/Page\b/.test(d))
    .map(([, d]) => Number(/\/Contents (\d+) 0 R/.exec(d)?.[1]));
  let text = '';
  for (const id of pages) {
    for (const [, body] of (streams.get(id) ?? '').matchAll(/\[([^\]]*)\] TJ/g))
      for (const [, glyphs] of body!.matchAll(/<([0-9a-f]+)>/gi))
        for (let i = 0; i < glyphs!.length; i += 4) text += toUnicode.get(parseInt(glyphs!.slice(i, i + 4), 16)) ?? '';
    text += '\n';
  }
  return { objects: dicts.size, embeddedFonts, text };
}

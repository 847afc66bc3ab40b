/**
 * A small streaming RFC 4180 CSV reader and writer (quotes, doubled quotes, CRLF or LF,
 * UTF-8 BOM): enough for rosters, and no dependency the workspace does not declare.
 * The reader scans with indexOf and slices whole fields, so a million rows make little garbage.
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let buf = '';
  let first = true;
  const decoder = new TextDecoder('utf-8');
  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? raw : decoder.decode(raw, { stream: true });
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    buf = buf ? buf + chunk : chunk;
    let pos = 0;
    for (;;) {
      const parsed = parseRecord(buf, pos, false);
      if (!parsed) break;
      yield parsed.record;
      pos = parsed.next;
    }
    buf = buf.slice(pos);
  }
  buf += decoder.decode();
  let pos = 0;
  while (pos < buf.length) {
    const parsed = parseRecord(buf, pos, true)!;
    yield parsed.record;
    pos = parsed.next;
  }
}

/** One record starting at `pos`, or null when the buffer ends before the record does (unless `final`). */
function parseRecord(buf: string, pos: number, final: boolean): { record: string[]; next: number } | null {
  const record: string[] = [];
  let i = pos;
  for (;;) {
    if (buf.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q < 0) {
          if (!final) return null;
          value += buf.slice(j);
          j = buf.length;
          break;
        }
        if (buf.charCodeAt(q + 1) === 34) {
          value += buf.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        if (q + 1 >= buf.length && !final) return null;
        value += buf.slice(j, q);
        j = q + 1;
        break;
      }
      record.push(value);
      i = j;
    } else {
      let end = i;
      const len = buf.length;
      while (end < len) {
        const c = buf.charCodeAt(end);
        if (c === 44 || c === 10) break;
        end++;
      }
      if (end >= len && !final) return null;
      let field = buf.slice(i, end);
      if (field.endsWith('\r')) field = field.slice(0, -1);
      record.push(field);
      i = end;
    }
    const c = buf.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c === 13 /* \r */) i++;
    if (buf.charCodeAt(i) === 10 /* \n */) return { record, next: i + 1 };
    if (i >= buf.length) {
      if (!final) return null;
      return { record, next: buf.length };
    }
    // Stray character after a closing quote: keep it as part of the field's tail.
    i++;
  }
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return (
    values
      .map((v) => {
        const s = v === null || v === undefined ? '' : String(v);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

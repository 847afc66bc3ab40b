import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openSheet, SheetRefusedError, type SheetRecord } from './sheet-reader';
import { zipOf, type ZipEntry } from './testing/zip';
import { sheetUploadLimits, sniffSheetFormat } from './upload-limits';
import { DEFAULT_MAX_HELD_PART_BYTES } from './xlsx-bounds';

const limits = { maxRows: 100, maxRecordChars: 4096, maxInflatedBytes: 1024 * 1024 };

describe('openSheet and sniffSheetFormat', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'vanguard-sheet-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function xlsx(name: string, rows: ExcelJS.CellValue[][]): Promise<string> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    for (const r of rows) ws.addRow(r);
    const file = join(dir, name);
    await wb.xlsx.writeFile(file);
    return file;
  }

  async function all(records: AsyncIterable<SheetRecord>): Promise<SheetRecord[]> {
    const out: SheetRecord[] = [];
    for await (const r of records) out.push(r);
    return out;
  }

  it('refuses a workbook whose first worksheet is hidden: it would read rows the uploader never saw', async () => {
    for (const state of ['hidden', 'veryHidden'] as const) {
      const wb = new ExcelJS.Workbook();
      const hidden = wb.addWorksheet('HIDDEN', { state });
      hidden.addRow(['name']);
      hidden.addRow(['unseen']);
      const shown = wb.addWorksheet('花名册');
      shown.addRow(['name']);
      shown.addRow(['seen']);
      const file = join(dir, `hidden-${state}.xlsx`);
      await wb.xlsx.writeFile(file);
      const refused = await openSheet(file, 'xlsx', limits)
        .then((s) => all(s.records))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SheetRefusedError);
      expect((refused as Error).message).toMatch(/第一个工作表已隐藏/);
    }
    // Hidden sheets after a visible first one are not read, and do not stop it.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('花名册').addRow(['name']);
    wb.getWorksheet('花名册')!.addRow(['seen']);
    wb.addWorksheet('notes', { state: 'hidden' }).addRow(['x']);
    const file = join(dir, 'hidden-second.xlsx');
    await wb.xlsx.writeFile(file);
    expect(await all((await openSheet(file, 'xlsx', limits)).records)).toEqual([{ row: 2, cells: { name: 'seen' } }]);
  });

  it('refuses an .xlsx row longer than maxRecordChars, as the CSV reader does, naming the row', async () => {
    const file = await xlsx('long-cell.xlsx', [
      ['name', 'roles'],
      ['王红梅', 'x'.repeat(limits.maxRecordChars)],
      ['李建国', 'ok'],
    ]);
    const refused = await openSheet(file, 'xlsx', limits)
      .then((s) => all(s.records))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(SheetRefusedError);
    expect((refused as SheetRefusedError).message).toContain(`row 2 is longer than ${limits.maxRecordChars} characters`);
    const fits = await xlsx('fits.xlsx', [
      ['name', 'roles'],
      ['王红梅', 'x'.repeat(limits.maxRecordChars - 3)],
    ]);
    expect(await all((await openSheet(fits, 'xlsx', limits)).records)).toHaveLength(1);
  });

  it('refuses a formula cell when asked, naming its row and column, and reads its cached result otherwise', async () => {
    const file = await xlsx('f.xlsx', [
      ['name', 'budget_fen'],
      ['a', 1],
      ['b', { formula: 'B2*2', result: 2 }],
    ]);
    const refused = await openSheet(file, 'xlsx', limits, undefined, { refuseFormulas: true })
      .then((s) => all(s.records))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SheetRefusedError);
    expect(refused).toMatchObject({ row: 3, column: 'budget_fen' });
    expect((refused as Error).message).toContain('公式');
    const read = await all((await openSheet(file, 'xlsx', limits)).records);
    expect(read[1]).toEqual({ row: 3, cells: { name: 'b', budget_fen: '2' } });
  });

  /** A workbook's parts written by hand, so the order is the test's and not ExcelJS's writer's. */
  const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const part = (name: string, xml: string): ZipEntry => ({ name, content: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });
  const rels = part(
    'xl/_rels/workbook.xml.rels',
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  );
  const workbook = part(
    'xl/workbook.xml',
    `<workbook ${MAIN} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="项目" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  const sharedStrings = part(
    'xl/sharedStrings.xml',
    `<sst ${MAIN}><si><t>name</t></si><si><t>budget_fen</t></si><si><t>红石村道路</t></si></sst>`,
  );
  const cellsOf = (rows: string[][]) =>
    rows.map((cells, i) => `<row r="${i + 1}">${cells.map((c, j) => c.replace('@', `${'AB'[j]}${i + 1}`)).join('')}</row>`).join('');
  const sheet = (shared: boolean) =>
    part(
      'xl/worksheets/sheet1.xml',
      `<worksheet ${MAIN}><sheetData>${cellsOf(
        shared
          ? [
              ['<c r="@" t="s"><v>0</v></c>', '<c r="@" t="s"><v>1</v></c>'],
              ['<c r="@" t="s"><v>2</v></c>', '<c r="@"><v>100</v></c>'],
              ['<c r="@" t="s"><v>2</v></c>', '<c r="@"><f>B2*2</f><v>200</v></c>'],
            ]
          : [
              ['<c r="@" t="inlineStr"><is><t>name</t></is></c>', '<c r="@" t="inlineStr"><is><t>budget_fen</t></is></c>'],
              ['<c r="@" t="inlineStr"><is><t>红石村道路</t></is></c>', '<c r="@"><v>100</v></c>'],
              ['<c r="@" t="inlineStr"><is><t>红石村道路</t></is></c>', '<c r="@"><f>B2*2</f><v>200</v></c>'],
            ],
      )}</sheetData></worksheet>`,
    );
  const orders = <T>(xs: T[]): T[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((o) => [x, ...o]));
  // ExcelJS's reader copies a sheet met before the parts it needs to a file named so, deleted only when reading runs to the end.
  const excelJsTemporaries = async () => (await readdir(tmpdir())).filter((n) => n.startsWith(`tmp-${process.pid}-`));

  /** Data descriptors on every other part, so a layout has both kinds. */
  const withDescriptors = (parts: ZipEntry[], on: boolean) => parts.map((p, i) => ({ ...p, dataDescriptor: on && i % 2 === 0 }));
  const fileOf = async (name: string, parts: ZipEntry[]) => {
    const file = join(dir, name);
    await writeFile(file, zipOf([part('[Content_Types].xml', '<Types/>'), ...parts]));
    return file;
  };
  /** Descriptors this process holds open on `file` (Linux). */
  const openOn = async (file: string) => {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    return targets.filter((t) => t === file).length;
  };

  it('reads a workbook whatever order its parts come in, refuses its formula when asked, and leaves no temporary file', async () => {
    const layouts = [
      ...orders([rels, workbook, sharedStrings, sheet(true)]),
      ...orders([rels, workbook, sheet(false)]),
      // Parts missing, or there and empty: ExcelJS's reader waited for them and copied the sheet aside.
      [sheet(false)],
      [sheet(true), sharedStrings],
      [sheet(true), workbook, sharedStrings],
      [part(rels.name, ''), sheet(true), workbook, sharedStrings],
    ];
    const before = await excelJsTemporaries();
    for (const [i, parts] of layouts.entries()) {
      const file = await fileOf(`order-${i}.xlsx`, withDescriptors(parts, i % 2 === 1));
      const order = parts.map((p) => p.name).join(' ');
      const source = await openSheet(file, 'xlsx', limits);
      const read = await all(source.records).catch((e: unknown) => `${order}: ${String(e)}`);
      expect([order, read]).toEqual([
        order,
        [
          { row: 2, cells: { name: '红石村道路', budget_fen: '100' } },
          { row: 3, cells: { name: '红石村道路', budget_fen: '200' } },
        ],
      ]);
      expect(source.bytesRead()).toBe(source.bytesTotal);
      const refused = await openSheet(file, 'xlsx', limits, undefined, { refuseFormulas: true })
        .then((s) => all(s.records))
        .catch((e: unknown) => e);
      expect([order, refused]).toEqual([order, expect.objectContaining({ row: 3, column: 'budget_fen' })]);
      expect(refused).toBeInstanceOf(SheetRefusedError);
      expect(await openOn(file)).toBe(0);
    }
    expect(await excelJsTemporaries()).toEqual(before);
  });

  it('lets go of the file however reading ends: returned or closed before the first record, left mid-way, read to the end', async () => {
    const xlsx = await fileOf('ways-out.xlsx', withDescriptors([sharedStrings, sheet(true), rels, workbook], true));
    const csv = join(dir, 'ways-out.csv');
    await writeFile(csv, 'name,budget_fen\r\n红石村道路,100\r\n红石村道路,200\r\n');
    for (const [file, format] of [
      [xlsx, 'xlsx'],
      [csv, 'csv'],
    ] as const) {
      const ways: Record<string, (s: Awaited<ReturnType<typeof openSheet>>) => Promise<unknown>> = {
        'return() unstarted': (s) => s.records.return(undefined),
        'close() unstarted': (s) => s.close(),
        'left mid-way': async (s) => {
          for await (const _ of s.records) break;
        },
        'read whole, then closed': async (s) => {
          await all(s.records);
          await s.close();
        },
      };
      for (const [way, end] of Object.entries(ways)) {
        const source = await openSheet(file, format, limits);
        expect([format, way, source.header]).toEqual([format, way, ['name', 'budget_fen']]);
        await end(source);
        expect([format, way, await openOn(file)]).toEqual([format, way, 0]);
      }
    }
  });

  it('refuses a damaged or two-faced workbook with its reason, and reads one with no sheet as empty', async () => {
    const damaged: Record<string, [ZipEntry[], RegExp]> = {
      'a local header naming another part': [
        [rels, workbook, sharedStrings, { ...sheet(true), localName: 'xl/worksheets/sheet2.xml' }],
        /named otherwise in its local header/,
      ],
      'a part twice': [
        [
          rels,
          workbook,
          sharedStrings,
          part(sharedStrings.name, `<sst ${MAIN}><si><t>name</t></si><si><t>budget_fen</t></si><si><t>EVIL</t></si></sst>`),
          sheet(true),
        ],
        /two entries of one name/,
      ],
      'a sheet that is not XML': [
        [rels, workbook, sharedStrings, part(sheet(true).name, '<worksheet><sheetData><row r="1"><c r="A1"><v>1</row>')],
        /damaged: its zip or sheet XML cannot be read/,
      ],
    };
    for (const [what, [parts, reason]] of Object.entries(damaged)) {
      const file = await fileOf('damaged.xlsx', parts);
      const refused = await openSheet(file, 'xlsx', limits)
        .then((s) => all(s.records))
        .catch((e: unknown) => e);
      expect([what, refused instanceof SheetRefusedError ? refused.message : refused]).toEqual([what, expect.stringMatching(reason)]);
      expect(await openOn(file)).toBe(0);
    }
    const empty = await openSheet(await fileOf('no-sheet.xlsx', [rels, workbook, sharedStrings]), 'xlsx', limits);
    expect(empty.header).toEqual([]);
    expect(await all(empty.records)).toEqual([]);
  });

  const csv = async (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const refusalOf = (file: string, format: 'csv' | 'xlsx') =>
    openSheet(file, format, limits)
      .then((s) => all(s.records))
      .then(
        () => undefined,
        (e: unknown) => e,
      );

  it('refuses a header that would lose a column unseen: a name twice, or a name an object cannot hold as a cell', async () => {
    const cases: [string, string][] = [
      ['org_code,name,Name\r\n1301,张三,李四\r\n', 'name'],
      ['org_code,__proto__\r\n1301,hello\r\n', '__proto__'],
      ['org_code,constructor\r\n1301,hello\r\n', 'constructor'],
      ['org_code,prototype\r\n1301,hello\r\n', 'prototype'],
    ];
    for (const [text, column] of cases) {
      const file = await csv('header.csv', text);
      const refused = await refusalOf(file, 'csv');
      expect(refused).toBeInstanceOf(SheetRefusedError);
      expect(refused).toMatchObject({ row: 1, column });
      expect(await openOn(file)).toBe(0);
    }
  });

  it('reads a header cell written label（name）, as exports write them, as the column name; refuses it beside the bare name', async () => {
    const read = await openSheet(
      await csv('labelled.csv', '党组织代码（org_code）, 姓名(Name) ,备注（可选）,（id_number）\r\n1301,张三,无,\r\n'),
      'csv',
      limits,
    );
    expect(read.header).toEqual(['org_code', 'name', '备注（可选）', 'id_number']);
    expect(read.headerCells).toEqual(['党组织代码（org_code）', '姓名(Name)', '备注（可选）', '（id_number）']);
    expect(await all(read.records)).toEqual([{ row: 2, cells: { org_code: '1301', name: '张三', '备注（可选）': '无', id_number: '' } }]);

    const twice = await refusalOf(await csv('twice.csv', 'name,姓名（name）\r\n张三,李四\r\n'), 'csv');
    expect(twice).toMatchObject({ row: 1, column: 'name' });
    const reserved = await refusalOf(await csv('reserved.csv', 'org_code,构造（constructor）\r\n1301,x\r\n'), 'csv');
    expect(reserved).toMatchObject({ row: 1, column: 'constructor' });
  });

  it('refuses a value under a blank header cell, naming its column, and reads blank columns that stay blank', async () => {
    const refused = await refusalOf(await csv('blank.csv', 'org_code,name,\r\n1301,张三,extra data\r\n'), 'csv');
    expect(refused).toMatchObject({ row: 2, column: '#3' });

    const read = await all((await openSheet(await csv('blanks.csv', 'org_code,,name\r\n1301,,张三\r\n'), 'csv', limits)).records);
    expect(read).toEqual([{ row: 2, cells: { org_code: '1301', name: '张三' } }]);
  });

  it('refuses an unclosed quote and bytes that are not UTF-8 as a refusal of the file, not a failure', async () => {
    const unclosed = await refusalOf(await csv('unclosed.csv', 'org_code,name\r\n1301,"张三\r\n1302,李四\r\n'), 'csv');
    expect(unclosed).toBeInstanceOf(SheetRefusedError);
    expect(unclosed).toMatchObject({ row: 2 });

    const gbk = Buffer.concat([Buffer.from(`org_code,name\r\n${'1301,张三\r\n'.repeat(10_000)}`), Buffer.from([0x31, 0x2c, 0xba, 0xec])]);
    const notUtf8 = await refusalOf(await csv('gbk-tail.csv', gbk), 'csv');
    expect(notUtf8).toBeInstanceOf(SheetRefusedError);
    expect((notUtf8 as Error).message).toMatch(/not valid UTF-8/);
  });

  it('refuses an .xlsx cell past the 64th column as a .csv cell past its header is refused, instead of dropping it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('m');
    ws.addRow(['name', 'note']);
    ws.getCell('A2').value = 'x';
    ws.getCell('BZ2').value = 'data in column 78';
    const file = join(dir, 'wide.xlsx');
    await wb.xlsx.writeFile(file);

    const refused = await refusalOf(file, 'xlsx');

    expect(refused).toBeInstanceOf(SheetRefusedError);
    expect(refused).toMatchObject({ row: 2, column: '#78' });
  });

  it('decodes the _xHHHH_ escapes Excel writes in cell text, an escaped underscore included', async () => {
    const file = await xlsx('escapes.xlsx', [
      ['name', 'note'],
      ['第一行_x000D__x000A_第二行', '_x005F_x0041_ stays text'],
      ['_x0041_', 'plain_x'],
    ]);

    const read = await all((await openSheet(file, 'xlsx', limits)).records);

    expect(read.map((r) => r.cells)).toEqual([
      { name: '第一行\r\n第二行', note: '_x0041_ stays text' },
      { name: 'A', note: 'plain_x' },
    ]);
  });

  it("reads a date-formatted .xlsx cell as the serial's calendar day, and a number in any other cell as the number", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('m');
    ws.addRow(['name', 'joined_on', 'id', 'score', 'born_on']);
    ws.addRow(['张三', new Date(Date.UTC(2020, 0, 15)), 43845, 43845.5, new Date(Date.UTC(1990, 2, 7))]);
    ws.addRow(['李四', new Date(Date.UTC(1999, 11, 31, 23, 59)), 7, 1.25, new Date(Date.UTC(2001, 6, 1))]);
    ws.getColumn(2).numFmt = 'yyyy-mm-dd';
    ws.getColumn(4).numFmt = '0.00';
    ws.getColumn(5).numFmt = 'mm-dd-yy'; // written as built-in format 14, Excel's own short date
    const file = join(dir, 'dates.xlsx');
    await wb.xlsx.writeFile(file);

    const read = await all((await openSheet(file, 'xlsx', limits)).records);

    expect(read.map((r) => r.cells)).toEqual([
      { name: '张三', joined_on: '2020-01-15', id: '43845', score: '43845.5', born_on: '1990-03-07' },
      { name: '李四', joined_on: '1999-12-31', id: '7', score: '1.25', born_on: '2001-07-01' },
    ]);
  });

  it('tells an .xlsx and a UTF-8 .csv by content and refuses anything else', async () => {
    const csv = join(dir, 'x.xlsx'); // the name lies: content decides
    await writeFile(csv, 'name,budget_fen\r\n红石村道路,100\r\n');
    expect(await sniffSheetFormat(csv)).toBe('csv');
    expect(await sniffSheetFormat(await xlsx('y.csv', [['a']]))).toBe('xlsx');
    for (const [name, bytes] of [
      ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])],
      ['gbk.csv', Buffer.from([0xba, 0xec, 0xca, 0xaf, 0xb4, 0xe5])],
      ['empty.csv', Buffer.alloc(0)],
    ] as const) {
      const f = join(dir, name);
      await writeFile(f, bytes);
      await expect(sniffSheetFormat(f)).rejects.toBeInstanceOf(SheetRefusedError);
    }
  });

  it('names the byte where a .csv saved as GBK stops being UTF-8, in its first 64 KiB or as it ends', async () => {
    const header = Buffer.from('name,budget_fen\r\n', 'utf8');
    const gbk = join(dir, 'gbk-row.csv');
    await writeFile(gbk, Buffer.concat([header, Buffer.from([0xba, 0xec, 0xca, 0xaf, 0x2c, 0x31])])); // 红石,1
    await expect(sniffSheetFormat(gbk)).rejects.toThrow(`not valid UTF-8 after byte ${header.length};`);
    await expect(sniffSheetFormat(gbk)).rejects.toThrow(`第 ${header.length} 字节之后`);
    const cut = join(dir, 'cut.csv');
    await writeFile(cut, Buffer.concat([header, Buffer.from('红', 'utf8').subarray(0, 2)]));
    await expect(sniffSheetFormat(cut)).rejects.toThrow(`not valid UTF-8 after byte ${header.length};`);
    // A character cut only by the 64 KiB the sniff reads is no fault of the file.
    const long = join(dir, 'long.csv');
    await writeFile(long, Buffer.concat([Buffer.from('a'.repeat(64 * 1024 - 1), 'utf8'), Buffer.from('红\n', 'utf8')]));
    expect(await sniffSheetFormat(long)).toBe('csv');
  });

  it('reads limits from <PREFIX>_ variables and refuses a bad one', () => {
    const defaults = { maxUploadBytes: 10, maxRows: 5, maxRecordChars: 100, maxInflatedBytes: 1000, uploadIdleMs: 1, uploadDeadlineMs: 2 };
    expect(sheetUploadLimits('X', defaults, { X_IMPORT_MAX_ROWS: '7', X_UPLOAD_DIR: '/u' })).toMatchObject({
      maxRows: 7,
      maxUploadBytes: 10,
      uploadDir: '/u',
    });
    expect(() => sheetUploadLimits('X', defaults, { X_UPLOAD_MAX_BYTES: '-1' })).toThrow('X_UPLOAD_MAX_BYTES');
    expect(sheetUploadLimits('X', defaults, {}).maxHeldPartBytes).toBe(DEFAULT_MAX_HELD_PART_BYTES);
    expect(sheetUploadLimits('X', defaults, { X_XLSX_MAX_HELD_PART_BYTES: '4096' }).maxHeldPartBytes).toBe(4096);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openSheet, SheetRefusedError, type SheetRecord } from './sheet-reader';
import { sheetUploadLimits, sniffSheetFormat } from './upload-limits';

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

  it('reads limits from <PREFIX>_ variables and refuses a bad one', () => {
    const defaults = { maxUploadBytes: 10, maxRows: 5, maxRecordChars: 100, maxInflatedBytes: 1000, uploadIdleMs: 1, uploadDeadlineMs: 2 };
    expect(sheetUploadLimits('X', defaults, { X_IMPORT_MAX_ROWS: '7', X_UPLOAD_DIR: '/u' })).toMatchObject({
      maxRows: 7,
      maxUploadBytes: 10,
      uploadDir: '/u',
    });
    expect(() => sheetUploadLimits('X', defaults, { X_UPLOAD_MAX_BYTES: '-1' })).toThrow('X_UPLOAD_MAX_BYTES');
  });
});

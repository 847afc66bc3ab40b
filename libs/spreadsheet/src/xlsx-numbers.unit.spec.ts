import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSheet, SheetRefusedError, type SheetRecord } from './sheet-reader';
import { zipOf } from './testing/zip';

const limits = { maxRows: 100, maxRecordChars: 4096, maxInflatedBytes: 1024 * 1024 };
const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const part = (name: string, xml: string) => ({ name, content: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });

/**
 * ExcelJS parses a number cell's `<v>` to a double and keeps no raw text: 110105194912319999
 * became 110105194912320000 and was stored as someone else's ID number.
 */
describe(`${openSheet.name} and number cells`, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'vanguard-numbers-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A workbook with a header `name, id_number` and one row whose B2 is `cell`. */
  const book = async (cell: string) => {
    const file = join(dir, 'numbers.xlsx');
    await writeFile(
      file,
      zipOf([
        part('[Content_Types].xml', '<Types/>'),
        part(
          'xl/_rels/workbook.xml.rels',
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        ),
        part(
          'xl/workbook.xml',
          `<workbook ${MAIN} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`,
        ),
        part(
          'xl/worksheets/sheet1.xml',
          `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>id_number</t></is></c></row>` +
            `<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>${cell}</row></sheetData></worksheet>`,
        ),
      ]),
    );
    return file;
  };
  const all = async (records: AsyncIterable<SheetRecord>) => {
    const out: SheetRecord[] = [];
    for await (const r of records) out.push(r);
    return out;
  };

  it.each([
    ['an 18-digit ID number', '<c r="B2"><v>110105194912319999</v></c>'],
    ['an integer past MAX_SAFE_INTEGER', '<c r="B2"><v>9007199254740993</v></c>'],
    ['16 significant digits', '<c r="B2"><v>1234567890123456</v></c>'],
    ['a fraction of 17 significant digits', '<c r="B2"><v>0.12345678901234567</v></c>'],
    ['a formula whose cached result is one', '<c r="B2"><f>A1</f><v>110105194912319999</v></c>'],
  ])('refuses %s, naming row and column but not the number, and asks for a text column', async (_what, cell) => {
    const refused = await openSheet(await book(cell), 'xlsx', limits)
      .then((s) => all(s.records))
      .catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(SheetRefusedError);
    expect(refused).toMatchObject({ row: 2, column: 'id_number' });
    expect((refused as Error).message).toMatch(/format the column as text/);
    expect((refused as Error).message).not.toMatch(/1101051949|9007199|123456789012/);
  });

  it.each([
    ['<c r="B2"><v>123456789012345</v></c>', '123456789012345'],
    ['<c r="B2"><v>1000000000000000</v></c>', '1000000000000000'],
    ['<c r="B2"><v>0.1</v></c>', '0.1'],
    ['<c r="B2" t="inlineStr"><is><t>110105194912319999</t></is></c>', '110105194912319999'],
  ])('reads %s exactly as %s', async (cell, text) => {
    const read = await all((await openSheet(await book(cell), 'xlsx', limits)).records);

    expect(read).toEqual([{ row: 2, cells: { name: '张三', id_number: text } }]);
  });
});

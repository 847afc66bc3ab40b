import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { zipOf } from './testing/zip';
import { checkXlsxBounds, XlsxRefusedError } from './xlsx-bounds';

const MiB = 1024 * 1024;

describe(checkXlsxBounds.name, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'xlsx-bounds-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const fileOf = async (name: string, bytes: Buffer) => {
    const file = join(dir, name);
    await writeFile(file, bytes);
    return file;
  };

  it('accepts a workbook ExcelJS wrote, counting what it inflates to', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('members').addRow(['org_code', 'name']);
    const file = await fileOf('ok.xlsx', Buffer.from(await book.xlsx.writeBuffer()));

    const { inflatedBytes } = await checkXlsxBounds(file, MiB);

    expect(inflatedBytes).toBeGreaterThan(0);
  });

  it('refuses a bomb that declares its size honestly, before inflating it', async () => {
    const file = await fileOf('honest-bomb.xlsx', zipOf([{ name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(8 * MiB) }]));

    await expect(checkXlsxBounds(file, MiB)).rejects.toThrow(/declares more than/);
  });

  it('refuses a bomb that lies about its size, stopping as soon as it inflates past the declaration', async () => {
    const file = await fileOf(
      'lying-bomb.xlsx',
      zipOf([{ name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(8 * MiB), declaredSize: 1000 }]),
    );

    await expect(checkXlsxBounds(file, MiB)).rejects.toThrow(/inflates past its declared size/);
  });

  it('refuses many small entries that together inflate past the limit', async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, content: Buffer.alloc(MiB / 8) }));

    await expect(checkXlsxBounds(await fileOf('many.xlsx', zipOf(entries)), MiB)).rejects.toBeInstanceOf(XlsxRefusedError);
  });

  it('refuses an entry hidden between the listed ones', async () => {
    const listed = zipOf([{ name: 'a.xml', content: Buffer.from('<a/>') }]);
    const hidden = zipOf([{ name: 'b.xml', content: Buffer.alloc(MiB) }]);
    // The hidden entry's local header and data sit before the directory, which does not list them.
    const cdStart = listed.readUInt32LE(listed.length - 6);
    const hiddenLocal = hidden.subarray(0, hidden.readUInt32LE(hidden.length - 6));
    const tail = Buffer.from(listed.subarray(cdStart));
    tail.writeUInt32LE(cdStart + hiddenLocal.length, tail.length - 6);
    const file = await fileOf('hidden.xlsx', Buffer.concat([listed.subarray(0, cdStart), hiddenLocal, tail]));

    await expect(checkXlsxBounds(file, 8 * MiB)).rejects.toThrow(/does not list/);
  });

  it('refuses an entry the directory calls stored but its local header deflates, which the streaming reader would inflate unbounded', async () => {
    const file = await fileOf(
      'method-liar.xlsx',
      zipOf([{ name: 'xl/sharedStrings.xml', content: Buffer.from('<si><t>a</t></si>'.repeat(100_000)), storedInDirectory: true }]),
    );

    await expect(checkXlsxBounds(file, MiB)).rejects.toThrow(/compressed otherwise in its local header/);
  });

  it('refuses a local header that gives other sizes than the directory, and trusts a data descriptor for them', async () => {
    const content = Buffer.from('<worksheet/>');
    const liar = await fileOf('size-liar.xlsx', zipOf([{ name: 'xl/worksheets/sheet1.xml', content, localSize: 8 * MiB }]));
    const streamed = await fileOf('descriptor.xlsx', zipOf([{ name: 'xl/worksheets/sheet1.xml', content, dataDescriptor: true }]));

    await expect(checkXlsxBounds(liar, MiB)).rejects.toThrow(/other sizes in its local header/);
    await expect(checkXlsxBounds(streamed, MiB)).resolves.toMatchObject({ inflatedBytes: content.length });
  });

  it('holds the parts read whole into memory under their own cap, and other parts only under the workbook limit', async () => {
    const big = Buffer.alloc(MiB / 2, 'x');
    const strings = await fileOf('strings.xlsx', zipOf([{ name: 'xl/sharedStrings.xml', content: big }]));
    const sheet = await fileOf('sheet.xlsx', zipOf([{ name: 'xl/worksheets/sheet1.xml', content: big }]));

    await expect(checkXlsxBounds(strings, MiB, MiB / 4)).rejects.toThrow(/xl\/sharedStrings.xml inflates to more than/);
    await expect(checkXlsxBounds(sheet, MiB, MiB / 4)).resolves.toMatchObject({ inflatedBytes: big.length });
  });

  it('refuses a file that is not a zip', async () => {
    await expect(checkXlsxBounds(await fileOf('text.xlsx', Buffer.from('org_code,name\n')), MiB)).rejects.toThrow(/not an .xlsx/);
  });
});

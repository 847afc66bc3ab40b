import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipOf } from './testing/zip';
import { checkXlsxBounds } from './xlsx-bounds';
import { xlsxInReadingOrder } from './xlsx-order';

describe(xlsxInReadingOrder.name, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'xlsx-order-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const names = [
    'docProps/app.xml',
    'xl/worksheets/sheet1.xml',
    'xl/sharedStrings.xml',
    'xl/worksheets/sheet2.xml',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
  ];

  async function drain(stream: NodeJS.ReadableStream): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  it('streams the workbook relations, workbook and shared strings first, the rest in file order, each record whole, then an end-of-directory record', async () => {
    const file = join(dir, 'book.xlsx');
    const bytes = zipOf(
      names.map((name, i) => ({ name, content: Buffer.from(`<x>${name}</x>`.repeat(i + 1)), dataDescriptor: i % 2 === 0 })),
    );
    await writeFile(file, bytes);
    const { spans } = await checkXlsxBounds(file, 1024 * 1024);
    // The spans tile the file from its first byte to the directory, which starts where the end record says.
    const sorted = [...spans].sort((x, y) => x.start - y.start);
    expect(sorted.map((s) => s.start)).toEqual([0, ...sorted.slice(0, -1).map((s) => s.end)]);
    expect(sorted.at(-1)!.end).toBe(bytes.readUInt32LE(bytes.length - 6));
    let counted = 0;
    const failures: unknown[] = [];
    const out = await drain(xlsxInReadingOrder(file, spans, { bytes: (n) => (counted += n), failure: (e) => failures.push(e) }));

    const record = (name: string) => {
      const s = spans.find((x) => x.name === name)!;
      return bytes.subarray(s.start, s.end);
    };
    const order = [
      'xl/_rels/workbook.xml.rels',
      'xl/workbook.xml',
      'xl/sharedStrings.xml',
      'docProps/app.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
    ];
    const endOfDirectory = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);
    expect(out.equals(Buffer.concat([...order.map(record), endOfDirectory]))).toBe(true);
    expect(counted).toBe(out.length - endOfDirectory.length);
    expect(failures).toEqual([]);
  });

  it('ends early and reports the failure, without an error event, when the file cannot be read', async () => {
    const file = join(dir, 'gone.xlsx');
    await writeFile(file, zipOf([{ name: 'xl/workbook.xml', content: Buffer.from('<workbook/>') }]));
    const { spans } = await checkXlsxBounds(file, 1024 * 1024);
    await unlink(file);
    const failures: unknown[] = [];
    const stream = xlsxInReadingOrder(file, spans, { bytes: () => undefined, failure: (e) => failures.push(e) });
    stream.on('error', (e) => failures.push(`error event: ${String(e)}`));
    expect((await drain(stream)).length).toBe(0);
    expect(failures).toEqual([expect.objectContaining({ code: 'ENOENT' })]);
  });
});

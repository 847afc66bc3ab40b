import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractMultipartFile, isMultipart } from './multipart';
import { SheetRefusedError } from './sheet-reader';

describe('extractMultipartFile', () => {
  let dir: string;
  let n = 0;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'vanguard-multipart-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function extract(body: Buffer, contentType: string): Promise<Buffer> {
    const source = join(dir, `in-${++n}`);
    const target = join(dir, `out-${n}`);
    await writeFile(source, body);
    await extractMultipartFile(source, contentType, target);
    return readFile(target);
  }

  it('copies the file part byte for byte, skipping other fields, across chunk boundaries', async () => {
    // Content that contains CRLFs, dashes and most of the boundary (never all of it, as a client chooses it), and is larger than one read chunk.
    const content = Buffer.concat([Buffer.from('a,b\r\n--XY\r\n-XYZ\r\n--XY'), Buffer.alloc(600 * 1024, 0x41), Buffer.from([0, 1, 2])]);
    const body = Buffer.concat([
      Buffer.from('preamble\r\n--XYZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XYZ\r\n'),
      Buffer.from('Content-Disposition: form-data; name="file"; filename="p.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'),
      content,
      Buffer.from('\r\n--XYZ--\r\n'),
    ]);
    expect(isMultipart('multipart/form-data; boundary=XYZ')).toBe(true);
    expect((await extract(body, 'multipart/form-data; boundary=XYZ')).equals(content)).toBe(true);
  });

  it('refuses a body without a complete file part', async () => {
    const cut = Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname,x\r\n');
    await expect(extract(cut, 'multipart/form-data; boundary=B')).rejects.toBeInstanceOf(SheetRefusedError);
    const fieldsOnly = Buffer.from('--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--B--\r\n');
    await expect(extract(fieldsOnly, 'multipart/form-data; boundary=B')).rejects.toBeInstanceOf(SheetRefusedError);
    await expect(extract(Buffer.from('x'), 'multipart/form-data')).rejects.toBeInstanceOf(SheetRefusedError);
  });
});

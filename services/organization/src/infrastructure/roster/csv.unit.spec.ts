import { Readable } from 'node:stream';
import { csvLine, parseCsv } from './csv';

async function all(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of parseCsv(Readable.from(chunks))) out.push(r);
  return out;
}

describe(parseCsv.name, () => {
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
});

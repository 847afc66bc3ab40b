import { csvLine, parseCsv } from './csv';

async function all(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  async function* src() {
    yield* chunks;
  }
  for await (const r of parseCsv(src())) out.push(r);
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

  it('round-trips what csvLine writes', async () => {
    const values = ['张红梅', 'a,b', 'say "hi"', '', '2010-07-01'];
    expect(await all([csvLine(values)])).toEqual([values]);
  });
});

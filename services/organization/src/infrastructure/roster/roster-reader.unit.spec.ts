import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRoster, RosterRefusedError, type RosterRecord } from './roster-reader';

const limits = { maxRows: 100, maxRecordChars: 4096, maxInflatedBytes: 1024 * 1024 };

describe(openRoster.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-reader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function read(text: string): Promise<RosterRecord[]> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(file, text);
    const source = await openRoster(file, 'csv', limits);
    const out: RosterRecord[] = [];
    for await (const r of source.records) out.push(r);
    return out;
  }

  it('refuses a row with more cells than the header, naming it, instead of dropping the last cell', async () => {
    const error = await read('name,code\n张红梅,910425102\n李明,910425103,extra\n').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RosterRefusedError);
    expect(error).toMatchObject({ row: 3, message: expect.stringMatching(/^第 3 行有 3 个单元格/) });
  });

  it('accepts trailing empty cells past the header, which drop nothing', async () => {
    expect(await read('name,code\n张红梅,910425102,,\n')).toEqual([{ row: 2, cells: { name: '张红梅', code: '910425102' } }]);
  });

  it('turns malformed quoting into a refusal naming the row', async () => {
    await expect(read('name,code\nok,1\n"张红梅"x,2\n')).rejects.toMatchObject({
      constructor: RosterRefusedError,
      row: 3,
      message: expect.stringMatching(/^第 3 行/),
    });
  });
});

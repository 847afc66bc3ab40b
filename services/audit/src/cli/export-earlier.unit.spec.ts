import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { earlierQuery, withSince } from './export-earlier';

describe('export --earlier / --since', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-earlier-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('earlierQuery_NamedSizesAndKeptNotes_BecomeEarlierParameters', () => {
    const kept = join(dir, 'kept.note');
    writeFileSync(kept, 'vanguard.example/evaluation\n5\nAAAA\n\n— vanguard.example/evaluation AAAA\n');
    expect(earlierQuery(['8'], [kept])).toEqual(['earlier=8', 'earlier=5']);
    expect(earlierQuery([], [])).toEqual([]);
  });

  it('earlierQuery_AFileThatIsNoCheckpoint_IsRefusedByName', () => {
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'hello\nworld\n');
    expect(() => earlierQuery([], [other])).toThrow(`${other} is not a signed checkpoint`);
  });

  it('withSince_AddsEachKeptFileQuotedForTheShell', () => {
    expect(withSince("npx vanguard-verify b.tgz --key 'k'", ['a.note', "it's.note"])).toBe(
      "npx vanguard-verify b.tgz --key 'k' --since 'a.note' --since 'it'\\''s.note'",
    );
  });
});

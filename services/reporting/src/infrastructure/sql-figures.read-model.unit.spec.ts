import { keysOf, TraceCursorInvalid } from './sql-figures.read-model';

const cursor = (keys: unknown): string => Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
const ID = '00000000-0000-4000-8000-000000000091';

describe('a trace cursor (keysOf)', () => {
  it.each(['2026-12-05 10:33:30.89+00', '2026-12-05 10:33:30+00', '2024-02-29 23:59:59.123456+08', '2026-01-01 00:00:00-05:30'])(
    'reads a fact cursor whose first key is Postgres’s timestamptz text %s',
    (k1) => {
      expect(keysOf(cursor([k1, ID]), false)).toEqual([k1, ID]);
    },
  );

  // Each of these passed Date.parse and then failed Postgres's cast: a 500 (a hostile probe, 2026-12-05).
  it.each([
    '2026',
    '0',
    '12',
    'Dec 5',
    '2026-02-30 00:00:00+00',
    '2025-02-29 10:00:00+00',
    '+002026-01-01',
    '2026-12-05T10:33:30Z',
    '2026-12-05 24:00:00+00',
    '2026-12-05 10:33:30+16',
  ])('refuses a fact cursor whose first key is %s', (k1) => {
    expect(() => keysOf(cursor([k1, ID]), false)).toThrow(TraceCursorInvalid);
  });

  it('reads a roster cursor whose first key is a code, and refuses one holding a NUL (Postgres refuses it in text)', () => {
    expect(keysOf(cursor(['910425101', ID]), true)).toEqual(['910425101', ID]);
    expect(() => keysOf(cursor(['9104\u0000', ID]), true)).toThrow(TraceCursorInvalid);
  });

  it('refuses what is not two short strings, the second an id', () => {
    for (const keys of [[ID], ['910425101', 'x'], ['910425101', ID, ID], ['9'.repeat(65), ID], [1, ID]])
      expect(() => keysOf(cursor(keys), true)).toThrow(TraceCursorInvalid);
    expect(() => keysOf('%%%', true)).toThrow(TraceCursorInvalid);
  });
});

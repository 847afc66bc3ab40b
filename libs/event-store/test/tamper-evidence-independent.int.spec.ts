import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

/**
 * The chain checked by a second implementation that shares no code with the store: the
 * stream's stored texts exported one per line, and a few lines of shell with coreutils'
 * sha256sum computing hash(n) = sha256(hash(n-1) ‖ text(n)) from 64 zeros. It prints the first
 * version whose stored hash differs from its own, or "ok".
 */
const CHAIN_SH = `
set -eu
prev=0000000000000000000000000000000000000000000000000000000000000000
v=0
exec 3< "$2"
while IFS= read -r text; do
  v=$((v + 1))
  IFS= read -r stored <&3
  prev=$(printf '%s%s' "$prev" "$text" | sha256sum | cut -d' ' -f1)
  if [ "$prev" != "$stored" ]; then echo "broken $v"; exit 0; fi
done < "$1"
echo "ok $v"
`;

describe(`${PostgresEventStore.name} against an independent chain check`, () => {
  let f: StoreFixture;
  let sut: PostgresEventStore;
  let dir: string;
  beforeAll(async () => {
    f = await storeFixture('es_tamper_indep');
    sut = f.store();
    dir = mkdtempSync(join(tmpdir(), 'es-chain-'));
    for (const name of ['member-intact', 'member-tampered']) {
      await sut.append(
        name,
        [
          { type: 'test.Named', data: { name: '张三', note: 'a "quote", a back\\slash, a tab\t and é' } },
          { type: 'test.Named', data: { name: 'Ōsaka 😀', n: 2 } },
          { type: 'test.Named', data: { n: 3, nested: { z: [1, 2.5, -0], a: null } } },
        ],
        { expectedVersion: 'no_stream', context },
      );
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await f.close();
  });

  /** Exports the stored texts and hashes with plain SQL, and runs the shell check over them. */
  async function shellCheck(stream: string): Promise<string> {
    const { rows } = await f.admin.query<{ canonical: string; hash: string }>(
      `select canonical, hash from "${f.db.schema}".events where stream_id = $1 order by stream_version`,
      [stream],
    );
    const texts = join(dir, `${stream}.texts`);
    const hashes = join(dir, `${stream}.hashes`);
    writeFileSync(texts, rows.map((r) => `${r.canonical}\n`).join(''));
    writeFileSync(hashes, rows.map((r) => `${r.hash}\n`).join(''));
    return execFileSync('sh', ['-c', CHAIN_SH, 'chain', texts, hashes], { encoding: 'utf8' }).trim();
  }

  it('agrees with verify on an intact stream', async () => {
    expect(await shellCheck('member-intact')).toBe('ok 3');
    await expect(sut.verify({ stream: 'member-intact' })).resolves.toMatchObject({ ok: true, checkedEvents: 3 });
  });

  it('agrees with verify on the version a tampered stream breaks at', async () => {
    const c = await f.admin.connect();
    try {
      await c.query('set session_replication_role = replica');
      const { rowCount } = await c.query(
        `update "${f.db.schema}".events set canonical = replace(canonical, 'Ōsaka', 'Osaka')
          where stream_id = 'member-tampered' and stream_version = 2`,
      );
      expect(rowCount).toBe(1);
    } finally {
      await c.query('reset session_replication_role');
      c.release();
    }
    expect(await shellCheck('member-tampered')).toBe('broken 2');
    await expect(sut.verify({ stream: 'member-tampered' })).resolves.toMatchObject({
      ok: false,
      broken: { streamId: 'member-tampered', streamVersion: 2, reason: 'hash_mismatch' },
    });
    expect(await shellCheck('member-intact')).toBe('ok 3');
  });
});

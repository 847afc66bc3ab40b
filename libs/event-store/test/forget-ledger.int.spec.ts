import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  fileForgetLedger,
  isForgotten,
  parseForgetLedger,
  personal,
  PostgresEventStore,
  reapplyForgets,
  type Fold,
  type RecordedEvent,
} from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

const names: Fold<{ names: unknown[] }> = {
  initialState: () => ({ names: [] }),
  evolve: (s, e: RecordedEvent) => ({ names: [...s.names, (e.data as { name?: unknown }).name ?? null] }),
};
const run = promisify(execFile);
const policy = { snapshot: { foldVersion: 'names-v1', every: 1 } };

describe('forget ledger', () => {
  let f: StoreFixture;
  let dir: string;
  beforeAll(async () => {
    f = await storeFixture('es_forget_ledger');
    dir = await mkdtemp(join(tmpdir(), 'forget-ledger-'));
  });
  afterAll(async () => {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records each forget outside the database, and re-applying it after a full restore forgets those people again', async () => {
    const ledgerPath = join(dir, 'ledger.jsonl');
    const sut = new PostgresEventStore(f.db.pool, { schema: f.db.schema, forgetLedger: fileForgetLedger(ledgerPath) });
    const streams = ['member-l1', 'member-l2', 'member-l3'];
    for (const s of streams) {
      await sut.append(s, [{ type: 'organization.MemberJoined', data: { name: personal(s, `name ${s}`) } }], {
        expectedVersion: 'no_stream',
        context,
      });
      await sut.aggregateStream(s, names, policy);
    }
    // The backup: the keys and snapshots as they are before anyone is forgotten.
    const backup = {
      keys: (await f.db.pool.query(`select * from personal_keys where subject_id = any($1)`, [streams])).rows,
      snapshots: (await f.db.pool.query(`select * from snapshots where stream_id = any($1)`, [streams])).rows,
    };

    await sut.forget('member-l1');
    await sut.forget('member-l2');
    // Someone forgotten before they ever had a key in the restored copy.
    await sut.forget('member-never-stored');
    const ledger = parseForgetLedger(await readFile(ledgerPath, 'utf8'));
    expect(ledger.map((e) => [e.schema, e.subjectId])).toEqual([
      [f.db.schema, 'member-l1'],
      [f.db.schema, 'member-l2'],
      [f.db.schema, 'member-never-stored'],
    ]);

    // A full restore of that backup: the forgotten keys and their snapshots are back, and so are the names.
    await f.db.pool.query(`delete from personal_keys where subject_id = any($1)`, [[...streams, 'member-never-stored']]);
    for (const k of backup.keys)
      await f.db.pool.query(
        `insert into personal_keys (subject_id, key, created_at, forgotten_at, key_id, kek_id, wrapped) values ($1, $2, $3, $4, $5, $6, $7)`,
        [k.subject_id, k.key, k.created_at, k.forgotten_at, k.key_id, k.kek_id, k.wrapped],
      );
    for (const s of backup.snapshots)
      await f.db.pool.query(
        `insert into snapshots (stream_id, fold_version, stream_version, max_recorded_at, state, subjects) values ($1, $2, $3, $4, $5, $6)
         on conflict (stream_id, fold_version) do update set state = excluded.state, subjects = excluded.subjects`,
        [s.stream_id, s.fold_version, s.stream_version, s.max_recorded_at, JSON.stringify(s.state), s.subjects],
      );
    const restored = new PostgresEventStore(f.db.pool, { schema: f.db.schema });
    await expect(restored.aggregateStream('member-l1', names, policy)).resolves.toMatchObject({ state: { names: ['name member-l1'] } });

    // Through npm's script, as the operator runs it.
    const { stdout } = await run('npm', ['run', '--silent', 'keys:reapply-forgets', '--', ledgerPath, '--database', 'test']);

    expect(stdout).toContain('2 restored keys destroyed again, 1 subjects marked forgotten, 0 already forgotten');
    for (const s of ['member-l1', 'member-l2']) {
      const { state } = await restored.aggregateStream(s, names, policy);
      expect(isForgotten(state.names[0])).toBe(true);
    }
    await expect(restored.aggregateStream('member-l3', names, policy)).resolves.toMatchObject({ state: { names: ['name member-l3'] } });
    await expect(
      restored.append(
        'member-never-stored',
        [{ type: 'organization.MemberJoined', data: { name: personal('member-never-stored', 'x') } }],
        {
          expectedVersion: 'no_stream',
          context,
        },
      ),
    ).rejects.toThrow(/forgotten/);
    await expect(reapplyForgets(f.db.pool, ledger)).resolves.toEqual({ reforgotten: 0, tombstoned: 0, alreadyForgotten: 3 });
  });

  it('refuses a ledger line it cannot read, naming the line', () => {
    expect(() => parseForgetLedger('{"at":"2026-11-29T00:00:00Z","schema":"s","subject":"a"}\nnot json\n')).toThrow(/line 2/);
  });
});

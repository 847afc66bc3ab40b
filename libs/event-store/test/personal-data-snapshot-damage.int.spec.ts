import { KekRing, kekRingFromEnv, newKek } from '@vanguard/keys';
import { personal, PostgresEventStore, type Fold, type RecordedEvent } from '../src';
import { PersonalKeys } from '../src/personal-keys';
import { sealState } from '../src/snapshots';
import { context, ManualClock, storeFixture, type StoreFixture } from './fixtures';

const names: Fold<{ names: unknown[] }> = {
  initialState: () => ({ names: [] }),
  evolve: (s, e: RecordedEvent) => ({ names: [...s.names, (e.data as { name?: unknown }).name ?? null] }),
};
const policy = { snapshot: { foldVersion: 'names-v1', every: 2 } };

describe(`${PostgresEventStore.name} sealed snapshots that do not open, and forgotten keys in memory`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_snap_damage');
  });
  afterAll(() => f.close());

  async function enrol(sut: PostgresEventStore, stream: string, name: string): Promise<void> {
    await sut.append(
      stream,
      [
        { type: 'organization.MemberJoined', data: { name: personal(stream, name) } },
        { type: 'organization.MemberRenamed', data: { name: personal(stream, `${name}-2`) } },
      ],
      { expectedVersion: 'no_stream', context },
    );
  }

  const snapshotState = async (stream: string) =>
    (await f.db.pool.query<{ state: Record<string, unknown> }>(`select state from snapshots where stream_id = $1`, [stream])).rows[0]
      ?.state;

  it.each([
    ['a tampered ciphertext', `jsonb_set(state, '{ct}', to_jsonb(translate(state->>'ct', 'ABCDEFGHabcdefgh', 'BCDEFGHAbcdefgha')))`],
    ['a tampered tag', `jsonb_set(state, '{tag}', to_jsonb('AAAAAAAAAAAAAAAAAAAAAA=='::text))`],
    ['a corrupt row', `'{"iv": 1}'::jsonb`],
  ])('folds from the events past %s and drops it', async (what, damage) => {
    const sut = f.store();
    const stream = `member-${what.replace(/\W+/g, '-')}`;
    await enrol(sut, stream, '钱七');
    await sut.aggregateStream(stream, names, policy);
    const sealed = await snapshotState(stream);
    expect(sealed).toHaveProperty('ct');

    await f.db.pool.query(`update snapshots set state = ${damage} where stream_id = $1`, [stream]);
    const damaged = await snapshotState(stream);
    expect(damaged).not.toEqual(sealed);

    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: { names: ['钱七', '钱七-2'] }, version: 2 });
    // The damaged row is gone (a fresh snapshot may have replaced it), and the next load opens what is there.
    expect(await snapshotState(stream)).not.toEqual(damaged);
    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: { names: ['钱七', '钱七-2'] } });
  });

  it('forgetting a subject drops its unwrapped key from the process, not only from the database', async () => {
    const keys = new PersonalKeys(`"${f.db.schema}"`, new KekRing(newKek('kek-forget')));
    await keys.forWrite(f.db.pool, ['member-forget-cache']);
    await keys.forRead(f.db.pool, ['member-forget-cache']);
    expect(keys.holds('member-forget-cache')).toBe(true);

    await expect(keys.forget(f.db.pool, 'member-forget-cache', new Date())).resolves.toBe(true);

    expect(keys.holds('member-forget-cache')).toBe(false);
  });

  it('serves an as-of read by the time sealed inside the snapshot, not by its column', async () => {
    const clock = new ManualClock(new Date('2024-01-01T00:00:00.000Z'));
    const sut = f.store({ clock });
    const stream = 'member-time';
    for (const day of ['01', '02', '03', '04']) {
      clock.set(`2024-01-${day}T00:00:00.000Z`);
      await sut.append(stream, [{ type: 'organization.MemberRenamed', data: { name: personal(stream, `n${day}`) } }], {
        expectedVersion: 'any',
        context,
      });
    }
    await sut.aggregateStream(stream, names, policy);
    expect(await snapshotState(stream)).toHaveProperty('ct');
    // Someone who can write the table, but holds no key, moves the snapshot's time back.
    await f.db.pool.query(`update snapshots set max_recorded_at = '2024-01-01T00:00:00Z' where stream_id = $1`, [stream]);

    await expect(sut.asOf(stream, names, { recordedAt: '2024-01-02T12:00:00.000Z' }, policy)).resolves.toEqual({
      state: { names: ['n01', 'n02'] },
      version: 2,
    });
  });

  it('folds from the events past a snapshot sealed before its time was sealed with it', async () => {
    const sut = f.store();
    const stream = 'member-old-seal';
    await enrol(sut, stream, '孙八');
    const key = (await new PersonalKeys(`"${f.db.schema}"`, kekRingFromEnv()).forRead(f.db.pool, [stream])).get(stream)!;
    // As sealed before: the bare state, under its place alone.
    const old = sealState({ names: ['stale'] }, [stream], new Map([[stream, key]]), `${stream}\u0000names-v1\u00002`);
    await f.db.pool.query(
      `insert into snapshots (stream_id, fold_version, stream_version, max_recorded_at, state, subjects) values ($1, 'names-v1', 2, now(), $2, $3)`,
      [stream, JSON.stringify(old), [stream]],
    );

    await expect(sut.aggregateStream(stream, names, policy)).resolves.toMatchObject({ state: { names: ['孙八', '孙八-2'] }, version: 2 });
    expect(await snapshotState(stream)).not.toEqual(old);
  });
});

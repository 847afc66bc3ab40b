import { KekRing, newKek } from '@vanguard/keys';
import { personal, PostgresEventStore, type Fold, type RecordedEvent } from '../src';
import { PersonalKeys } from '../src/personal-keys';
import { context, storeFixture, type StoreFixture } from './fixtures';

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
});

import { seededRandom } from '@vanguard/testing';
import { ConcurrencyError, type PostgresEventStore } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

const SEED = Number(process.env.EVENT_STORE_INTERLEAVING_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 30;
const MAX_TRIES = 60;

const onCall = { type: 'test.OnCall', data: {} };
const offCall = { type: 'test.OffCall', data: {} };
const noted = { type: 'test.Noted', data: {} };

// README: a stream a decision only read (`reads`) is held at the version read until the decision
// commits. The classic write skew: every stream of a round is a duty that may go off call only
// while another stays on. Each duty's worker reads them all, and appends its own going off,
// guarding the others at the versions it read, deciding again on a conflict. Without the guard,
// two workers that both saw the other on call both go off and the round ends with nobody on
// call. Plain appends through the group committer note things on the duties meanwhile. The count
// is taken by SQL on the stored events, not with the store's own reads.
describe('appendTogether holds the streams a decision only read', () => {
  let f: StoreFixture;
  let store: PostgresEventStore;
  beforeAll(async () => {
    f = await storeFixture('es_together_reads');
    store = f.store();
  });
  afterAll(() => f.close());

  const onCallNow = async (streamIds: readonly string[]) => {
    const { rows } = await f.admin.query<{ on: string }>(
      `select count(*) as on from ${f.db.schema}.events e
        where e.stream_id = any($1)
          and e.stream_version = (select max(stream_version) from ${f.db.schema}.events x
                                   where x.stream_id = e.stream_id and x.type in ('test.OnCall', 'test.OffCall'))
          and e.type = 'test.OnCall'`,
      [streamIds],
    );
    return Number(rows[0]!.on);
  };

  it(`leaves exactly one duty on call in every round of racing workers (seed ${SEED})`, async () => {
    const rnd = seededRandom(SEED);
    const jitter = () => new Promise((r) => setTimeout(r, Math.floor(rnd() * 4)));
    const unexpected: string[] = [];
    const rounds: { duties: string[]; on: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const duties = Array.from({ length: 2 + Math.floor(rnd() * 5) }, (_, i) => `duty-r${round}d${i}`);
      for (const d of duties) await store.append(d, [onCall], { expectedVersion: 'no_stream', context });
      const goOff = async (mine: string) => {
        for (let tries = 0; tries < MAX_TRIES; tries++) {
          const seen = await Promise.all(
            duties.map(async (d) => {
              const events = await store.readStream(d);
              const duty = events.filter((e) => e.type !== 'test.Noted');
              return { d, version: events.length, on: duty.at(-1)?.type === 'test.OnCall' };
            }),
          );
          if (!seen.some((s) => s.d !== mine && s.on)) return; // the last on call stays
          const own = seen.find((s) => s.d === mine)!;
          if (!own.on) return;
          await jitter();
          try {
            await store.appendTogether(
              [{ streamId: mine, events: [offCall], options: { expectedVersion: own.version, context } }],
              seen.filter((s) => s.d !== mine).map((s) => ({ streamId: s.d, version: s.version })),
            );
            return;
          } catch (e) {
            if (!(e instanceof ConcurrencyError)) return void unexpected.push(`${mine}: ${String(e)}`);
          }
        }
        unexpected.push(`${mine}: gave up`);
      };
      // Meanwhile plain appends (through the group committer) note things on the duties: they move
      // the versions the workers hold, and must wait for or refuse the decisions holding them.
      const noting = (async () => {
        for (let n = 0; n < duties.length; n++) {
          await jitter();
          const d = duties[Math.floor(rnd() * duties.length)]!;
          await store.append(d, [noted], { expectedVersion: 'any', context }).catch((e: unknown) => unexpected.push(`note: ${String(e)}`));
        }
      })();
      await Promise.all([noting, ...duties.map((d) => jitter().then(() => goOff(d)))]);
      rounds.push({ duties, on: await onCallNow(duties) });
    }
    expect(unexpected).toEqual([]);
    expect(rounds.filter((r) => r.on !== 1)).toEqual([]);
    expect((await store.verify()).ok).toBe(true);
  });

  it('refuses a decision whose read stream moved or was created since, naming it, and writes nothing', async () => {
    await store.append('watched-a', [onCall], { expectedVersion: 'no_stream', context });
    await store.append('watched-a', [offCall], { expectedVersion: 1, context });
    const moved = store.appendTogether(
      [{ streamId: 'writer-a', events: [onCall], options: { expectedVersion: 'no_stream', context } }],
      [{ streamId: 'watched-a', version: 1 }],
    );
    await expect(moved).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 'watched-a', expected: 1, actual: 2 });

    await store.append('watched-b', [onCall], { expectedVersion: 'no_stream', context });
    const created = store.appendTogether(
      [{ streamId: 'writer-a', events: [onCall], options: { expectedVersion: 'no_stream', context } }],
      [{ streamId: 'watched-b', version: 0 }],
    );
    await expect(created).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 'watched-b', expected: 0, actual: 1 });
    expect(await store.streamVersion('writer-a')).toBe(0);

    const held = await store.appendTogether(
      [{ streamId: 'writer-a', events: [onCall], options: { expectedVersion: 'no_stream', context } }],
      [
        { streamId: 'watched-a', version: 2 },
        { streamId: 'watched-c', version: 0 },
      ],
    );
    expect(held.map((r) => r.nextExpectedVersion)).toEqual([1]);
    expect(await store.streamVersion('watched-c')).toBe(0);
  });

  it('refuses a stream named both as read and as written', async () => {
    await expect(
      store.appendTogether(
        [{ streamId: 'writer-b', events: [onCall], options: { expectedVersion: 'no_stream', context } }],
        [{ streamId: 'writer-b', version: 0 }],
      ),
    ).rejects.toThrow('stream writer-b twice');
  });
});

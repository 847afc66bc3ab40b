import { ConcurrencyError, type PostgresEventStore } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';
import { seededRandom } from '@vanguard/testing';

/** Seeded, so a failing interleaving can be replayed with its seed. */
const random = seededRandom;

const SEED = Number(process.env.EVENT_STORE_INTERLEAVING_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 8;
const DECISIONS_PER_WORKER = 12;
const STREAMS = ['claim-a', 'claim-b', 'place-c', 'place-d', 'place-e'];
const MAX_TRIES = 40;

type Decision = { id: string; streams: string[] };

// README: "several streams at once, all or nothing … one decision that spans streams never lands
// half". Workers decide over random sets of a few shared streams (named in random order, some a
// single stream through group commit), each expecting the versions it read and deciding again on
// a conflict, as the commendation handlers do. Afterwards every decision that succeeded is in
// each of its streams exactly once, a refused one in none, and any two decisions that share
// streams follow each other in the same order in all of them (one serial order).
describe('appendTogether under random interleavings', () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_together_interleave');
  });
  afterAll(() => f.close());

  it(`lands every decision whole or not at all, in one order across its streams (seed ${SEED})`, async () => {
    const rnd = random(SEED);
    const store: PostgresEventStore = f.store();
    const decided: Decision[] = [];
    const givenUp: Decision[] = [];
    const unexpected: string[] = [];

    const decide = async (d: Decision) => {
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const versions = await Promise.all(d.streams.map((s) => store.streamVersion(s)));
        const events = [{ type: 'test.Decided', data: { d: d.id } }];
        try {
          if (d.streams.length === 1) await store.append(d.streams[0]!, events, { expectedVersion: versions[0]!, context });
          else
            await store.appendTogether(
              d.streams.map((streamId, i) => ({ streamId, events, options: { expectedVersion: versions[i]!, context } })),
            );
          return void decided.push(d);
        } catch (e) {
          if (!(e instanceof ConcurrencyError)) return void unexpected.push(`${d.id}: ${String(e)}`);
        }
      }
      givenUp.push(d);
    };

    const plans = Array.from({ length: WORKERS }, (_, w) =>
      Array.from({ length: DECISIONS_PER_WORKER }, (_, n): Decision => {
        const size = rnd() < 0.2 ? 1 : 2 + Math.floor(rnd() * 2);
        const streams = [...STREAMS].sort(() => rnd() - 0.5).slice(0, size);
        return { id: `w${w}-${n}`, streams };
      }),
    );
    await Promise.all(plans.map(async (plan) => plan.reduce((p, d) => p.then(() => decide(d)), Promise.resolve())));
    expect(unexpected).toEqual([]);

    const landed = new Map<string, string[]>(); // stream → decision ids in version order
    for (const s of STREAMS)
      landed.set(
        s,
        (await store.readStream(s)).map((e) => (e.data as { d: string }).d),
      );
    const half: string[] = [];
    for (const d of [...decided, ...givenUp]) {
      const want = decided.includes(d) ? 1 : 0;
      for (const s of STREAMS) {
        const n = landed.get(s)!.filter((id) => id === d.id).length;
        if (n !== (d.streams.includes(s) ? want : 0)) half.push(`${d.id} [${d.streams.join(',')}]: ${n} in ${s}`);
      }
    }
    expect(half).toEqual([]);
    expect(decided.length).toBeGreaterThan(WORKERS * DECISIONS_PER_WORKER * 0.9);

    // One serial order: no pair of decisions appears as a-before-b in one stream and b-before-a in another.
    const rank = new Map<string, Map<string, number>>([...landed].map(([s, ids]) => [s, new Map(ids.map((id, i) => [id, i]))]));
    const crossed: string[] = [];
    for (const a of decided)
      for (const b of decided) {
        if (a.id >= b.id) continue;
        const shared = a.streams.filter((s) => b.streams.includes(s));
        const sides = new Set(shared.map((s) => rank.get(s)!.get(a.id)! < rank.get(s)!.get(b.id)!));
        if (sides.size > 1) crossed.push(`${a.id} / ${b.id} over ${shared.join(',')}`);
      }
    expect(crossed).toEqual([]);
    expect((await store.verify()).ok).toBe(true);
  });
});

import { Pool, type PoolClient } from 'pg';
import { waitUntil, seededRandom } from '@vanguard/testing';
import { PostgresEventStore, StaleTransactionError, type GlobalCheckpoint, type RecordedEvent } from '../src';
import { context, storeFixture, type StoreFixture } from './fixtures';

/** Seeded, so a failing interleaving can be replayed with its seed. */
const random = seededRandom;

const RUNS = 40;
const WRITERS = 12;
const OPS_PER_WRITER = 4;
const SHARED_STREAMS = 4;

/** Every stream's versions, in the order a reader met them. */
function versionsByStream(events: readonly RecordedEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    const seen = out.get(e.streamId) ?? [];
    seen.push(e.streamVersion);
    out.set(e.streamId, seen);
  }
  return out;
}

/** Streams whose versions a reader met out of order or with a gap, with what it met. */
function outOfOrder(events: readonly RecordedEvent[]): string[] {
  const bad: string[] = [];
  for (const [stream, versions] of versionsByStream(events)) {
    if (versions.some((v, i) => v !== i + 1)) bad.push(`${stream}: ${versions.join(',')}`);
  }
  return bad;
}

describe(`${PostgresEventStore.name} global order under interleavings`, () => {
  let f: StoreFixture;
  let pool: Pool;
  beforeAll(async () => {
    f = await storeFixture('es_interleave');
    // Caller transactions hold connections open while group commits need their own.
    pool = new Pool({ connectionString: f.db.url, max: WRITERS + 6 });
  });
  afterAll(async () => {
    await pool.end();
    await f.close();
  });

  it('shows every stream in version order to read-all and a subscription, whatever the interleaving', async () => {
    const seed = Number(process.env['INTERLEAVING_SEED'] ?? Date.now() % 2 ** 31);
    const rnd = random(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const grouped = new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: { maxInFlight: 3 } });
    const single = new PostgresEventStore(pool, { schema: f.db.schema, groupCommit: false });
    const delivered: RecordedEvent[] = [];
    const subscription = grouped.subscribe({ name: 'interleavings', handler: (e) => void delivered.push(e), pollIntervalMs: 20 });
    let appended = 0;
    let refusedAndRetried = 0;
    let deadlocks = 0;

    /** Some round trips while a transaction stays open, so other writers commit in between. */
    const hold = async (client: PoolClient) => {
      for (let n = Math.floor(rnd() * 3); n > 0; n--) await client.query('select 1');
    };

    /** A caller's transaction that writes another stream first (it gets its id there), holds, then writes shared ones. */
    const inCallerTransaction = async (run: number, w: number, op: number, shared: string[]) => {
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          await grouped.append(`own-r${run}w${w}o${op}a${attempt}`, [{ type: 'test.Own', data: {} }], {
            expectedVersion: 'no_stream',
            context,
            client,
          });
          await hold(client);
          for (const stream of shared) {
            await grouped.append(stream, [{ type: 'test.Shared', data: { w } }], { expectedVersion: 'any', context, client });
            await hold(client);
          }
          await client.query('commit');
          appended += 1 + shared.length;
          return;
        } catch (e) {
          await client.query('rollback');
          // A refused stale transaction, or a deadlock between two callers' lock orders: both roll back whole.
          const deadlock = (e as { code?: string }).code === '40P01';
          if (!(e instanceof StaleTransactionError || deadlock) || attempt > 50) throw e;
          if (!deadlock) refusedAndRetried++;
          else deadlocks++;
        } finally {
          client.release();
        }
      }
    };

    let after: GlobalCheckpoint | undefined;
    try {
      for (let run = 0; run < RUNS; run++) {
        const streams = Array.from({ length: SHARED_STREAMS }, (_, i) => `shared-r${run}s${i}`);
        const before = appended;
        await Promise.all(
          Array.from({ length: WRITERS }, async (_, w) => {
            for (let op = 0; op < OPS_PER_WRITER; op++) {
              const kind = rnd();
              if (kind < 0.35) {
                // In stream-id order, as the store locks them, so callers and groups do not deadlock.
                const two = rnd() < 0.5 ? [pick(streams), pick(streams)].sort() : [pick(streams)];
                await inCallerTransaction(run, w, op, two);
              } else if (kind < 0.85) {
                // Grouped appends: a group may lock one shared stream and wait for another group's.
                const n = 1 + Math.floor(rnd() * 3);
                await grouped.append(
                  pick(streams),
                  Array.from({ length: n }, () => ({ type: 'test.Grouped', data: { w } })),
                  {
                    expectedVersion: 'any',
                    context,
                  },
                );
                appended += n;
              } else {
                await single.append(pick(streams), [{ type: 'test.Single', data: { w } }], { expectedVersion: 'any', context });
                appended++;
              }
            }
          }),
        );
        const expected = appended - before;
        const page = await waitUntil(`run ${run}'s ${expected} events to be readable`, async () => {
          const events: RecordedEvent[] = [];
          for await (const b of grouped.readAll({ after, batchSize: 37 })) events.push(...b.events);
          return events.length === expected && events;
        });
        after = { transactionId: page[page.length - 1]!.transactionId, position: page[page.length - 1]!.position };
        expect({ seed, run, outOfOrder: outOfOrder(page) }).toEqual({ seed, run, outOfOrder: [] });
      }

      // Delivery is at least once: a redelivered batch may repeat events; the first delivery of each must be in order.
      const firsts = new Map<string, RecordedEvent>();
      await waitUntil('the subscription to deliver every event', () => {
        for (const e of delivered) if (!firsts.has(e.eventId)) firsts.set(e.eventId, e);
        return firsts.size >= appended;
      });
      expect({ seed, outOfOrder: outOfOrder([...firsts.values()]), delivered: firsts.size }).toEqual({
        seed,
        outOfOrder: [],
        delivered: appended,
      });
    } finally {
      await subscription.stop();
    }
    if (process.env['TRACE_RUNS']) console.log({ appended, refusedAndRetried, deadlocks });
    // The refusal is what keeps the order: the test is only meaningful if it happened.
    expect(refusedAndRetried).toBeGreaterThan(0);
  });
});

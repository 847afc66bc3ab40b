import type { PoolClient } from 'pg';
import { seededRandom } from '@vanguard/testing';
import { saveCheckpointSql } from '../src';
import { storeFixture, type StoreFixture } from './fixtures';

const SEED = Number(process.env['CHECKPOINT_ORDER_SEED'] ?? Date.now() % 1_000_000);
const WRITERS = 6;
const CHECKPOINTS = 240;

type Checkpoint = { transactionId: bigint; position: number };
const after = (a: Checkpoint, b: Checkpoint) =>
  a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.position > b.position);
const show = (c: Checkpoint) => `${c.transactionId}/${c.position}`;

// README "Subscriptions": the checkpoint never moves backwards. Both of its writers (the
// subscription and the store relay) run saveCheckpointSql, so it is what must hold when a former
// owner commits late: racing sessions write checkpoints in a shuffled order, some in autocommit,
// some in transactions that hold the row while others queue behind it, write a lower one after,
// or roll back. A reader watching throughout never sees the stored checkpoint go back, and the end
// state is the furthest one committed. CHECKPOINT_ORDER_SEED replays a draw.
describe(`subscription checkpoint under racing, out-of-order commits (seed ${SEED})`, () => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture('es_checkpoint_race');
  });
  afterAll(() => f.close());

  it('never moves backwards, and ends at the furthest committed checkpoint', async () => {
    const rnd = seededRandom(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    // Few distinct transaction ids, so many checkpoints tie on it and the position decides.
    const queue: Checkpoint[] = Array.from({ length: CHECKPOINTS }, () => ({
      transactionId: BigInt(int(5_000, 5_012)),
      position: int(1, 400),
    }));
    const sql = saveCheckpointSql(f.db.schema);
    const name = 'racing';
    const committed: Checkpoint[] = [];
    const regressions: string[] = [];
    let writing = true;
    let reads = 0;

    const save = (c: PoolClient, cp: Checkpoint) => c.query(sql, [name, cp.transactionId.toString(), cp.position]);
    const writer = async () => {
      const c = await f.db.pool.connect();
      try {
        for (let cp = queue.pop(); cp; cp = queue.pop()) {
          const draw = rnd();
          if (draw < 0.4) {
            await save(c, cp);
            committed.push(cp);
            continue;
          }
          // A transaction holding the row lock: the other writers queue behind it and must compare
          // with what it commits, not with what they saw when they started.
          await c.query('begin');
          await save(c, cp);
          const late = draw < 0.7 ? queue.pop() : undefined; // a second, possibly lower, one in the same transaction
          if (late) await save(c, late);
          for (let i = int(0, 3); i > 0; i--) await c.query('select 1');
          if (rnd() < 0.15) {
            await c.query('rollback');
          } else {
            await c.query('commit');
            committed.push(cp, ...(late ? [late] : []));
          }
        }
      } finally {
        c.release();
      }
    };
    const reader = async () => {
      let last: Checkpoint | undefined;
      while (writing) {
        const { rows } = await f.db.pool.query<{ transaction_id: string; position: string }>(
          `select transaction_id::text, position from subscription_checkpoints where subscription = $1`,
          [name],
        );
        reads++;
        const r = rows[0];
        if (!r) continue;
        const now = { transactionId: BigInt(r.transaction_id), position: Number(r.position) };
        if (last && after(last, now)) regressions.push(`${show(last)} -> ${show(now)}`);
        last = now;
      }
    };

    const reading = reader();
    await Promise.all(Array.from({ length: WRITERS }, writer));
    writing = false;
    await reading;

    const furthest = committed.reduce((a, b) => (after(b, a) ? b : a));
    const { rows } = await f.db.pool.query<{ cp: string }>(
      `select transaction_id::text || '/' || position as cp from subscription_checkpoints where subscription = $1`,
      [name],
    );
    expect(reads).toBeGreaterThan(1);
    expect(regressions).toEqual([]);
    expect(rows[0]!.cp).toBe(show(furthest));
  });
});

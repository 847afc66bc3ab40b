import type { PoolClient } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { applyInBatches, OrgTreeHistory, partitionOf, prng, type HistoryEvent } from './org-tree-history.fixture';
import { OrgTreeProjection } from './org-tree.projection';
import { migrateOrgTree } from './org-tree.schema';

const ROUNDS = Number(process.env['ORG_TREE_CONCURRENT_ROUNDS'] ?? 12);
const PARTITIONS = 3;

// The consumer works on several partitions at once (and replicas on others), each in its own
// transaction: a township's registration and its village's, on two partitions, are applied side
// by side. Each derivation then read the other's row as missing, both committed, and the
// village kept a null path for good (two-counties.e2e saw it). Here one random history per
// round is split by key into partitions, each applied by its own connection in small committed
// batches, all at once, and the table must end as the source tree.
describe(`${OrgTreeProjection.name} under concurrent partitions`, () => {
  let db: TestSchema;
  let clients: PoolClient[];
  const sut = new OrgTreeProjection();

  beforeAll(async () => {
    db = await createTestSchema('org_tree_concurrent');
    await migrateOrgTree(db.pool);
    clients = await Promise.all(Array.from({ length: PARTITIONS }, () => db.pool.connect()));
  });

  afterAll(async () => {
    for (const c of clients ?? []) c.release();
    await db?.drop();
  });

  it('apply_WhenPartitionsAreAppliedConcurrently_ConvergesToTheSourceTree', async () => {
    const seed = Number(process.env['ORG_TREE_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const wrong: { round: number; id: string; path: string | null; expected: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const history = new OrgTreeHistory(random);
      history.register(null, '91');
      for (let i = 0; i < 40; i++) history.step();
      const partitions = Array.from({ length: PARTITIONS }, () => [] as HistoryEvent[]);
      for (const e of history.events) partitions[partitionOf(e.streamId, PARTITIONS)]!.push(e);

      await db.pool.query('truncate org_tree');
      await Promise.all(partitions.map((events, p) => applyInBatches(sut, clients[p]!, events, random)));

      const { rows } = await db.pool.query<{ id: string; path: string | null; code: string }>(`select id, path, code from org_tree`);
      const actual = new Map(rows.map((r) => [r.id, r]));
      for (const o of history.expected()) {
        const got = actual.get(o.id);
        if (got?.path !== o.path || got.code !== o.code) wrong.push({ round, id: o.id, path: got?.path ?? null, expected: o.path });
      }
    }
    // The seed replays the histories (ORG_TREE_SEED); the interleavings are the machine's.
    expect({ seed, wrong: wrong.slice(0, 5), count: wrong.length }).toEqual({ seed, wrong: [], count: 0 });
  }, 300_000);
});

import type { PoolClient } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import {
  applyInBatches,
  OrgTreeHistory,
  partitionOf,
  pathsIn,
  prng,
  shuffledDelivery,
  type HistoryEvent,
} from './org-tree-history.fixture';
import { idsBelowOrSameAt, orgTreeAt } from './org-tree.history';
import { OrgTreeProjection } from './org-tree.projection';
import { migrateOrgTree } from './org-tree.schema';

const ROUNDS = Number(process.env['ORG_TREE_CONCURRENT_ROUNDS'] ?? 12);
const PARTITIONS = 3;

// The history of the copy (ADR 0081) is written by the projection in the same transactions as
// the copy, so it gets the same deliveries: organisations interleaved at random, redeliveries,
// three partitions applied at once in small committed batches. It must end as the source's
// history — the same facts at the same instants — and answer the tree as it stood after every
// event as the source held it then, whatever the delivery.
describe(`${OrgTreeProjection.name} history under shuffled, concurrent delivery`, () => {
  let db: TestSchema;
  let clients: PoolClient[];
  const sut = new OrgTreeProjection();

  beforeAll(async () => {
    db = await createTestSchema('org_tree_history');
    await migrateOrgTree(db.pool);
    clients = await Promise.all(Array.from({ length: PARTITIONS }, () => db.pool.connect()));
  });

  afterAll(async () => {
    for (const c of clients ?? []) c.release();
    await db?.drop();
  });

  /** The facts each source event sets, as the history must hold them. */
  function expectedFacts(events: readonly HistoryEvent[]): string[] {
    const row = (e: HistoryEvent, fact: string, parent: unknown, status: string | null, merged: unknown = null) =>
      [e.data['organizationId'], fact, e.streamVersion, parent ?? null, status, merged ?? null, e.recordedAt].join('|');
    return events
      .flatMap((e) => {
        switch (e.type) {
          case 'organization.OrganizationRegistered':
            return [row(e, 'parent', e.data['parentId'], null), row(e, 'status', null, 'active')];
          case 'organization.OrganizationMoved':
            return [row(e, 'parent', e.data['parentId'], null)];
          case 'organization.OrganizationMerged':
            return [row(e, 'status', null, 'merged', e.data['survivingOrganizationId'])];
          case 'organization.OrganizationDissolved':
            return [row(e, 'status', null, 'dissolved')];
          default:
            return [];
        }
      })
      .sort();
  }

  async function storedFacts(): Promise<string[]> {
    const { rows } = await db.pool.query<{ r: string }>(
      `select concat_ws('|', id, fact, version, coalesce(parent_id::text, ''), coalesce(status, ''), coalesce(merged_into_id::text, ''),
                        to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) as r
         from org_tree_history`,
    );
    return rows.map((x) => x.r).sort();
  }

  it('apply_WhenDeliveredShuffledOverConcurrentPartitions_KeepsTheSourceHistoryAndTheTreeAtEveryInstant', async () => {
    const seed = Number(process.env['ORG_TREE_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const wrong: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const history = new OrgTreeHistory(random);
      history.register(null, '91');
      for (let i = 0; i < 40; i++) history.step();
      const partitions = Array.from({ length: PARTITIONS }, () => [] as HistoryEvent[]);
      for (const e of history.events) partitions[partitionOf(e.streamId, PARTITIONS)]!.push(e);

      await db.pool.query('truncate org_tree, org_tree_history');
      // Redeliveries only where there is something to deliver again (a partition may get no organisation).
      const deliveries = partitions.map((events) => shuffledDelivery(events, random, events.length ? 3 : 0));
      await Promise.all(deliveries.map((events, p) => applyInBatches(sut, clients[p]!, events, random)));

      const facts = await storedFacts();
      const expected = expectedFacts(history.events);
      if (JSON.stringify(facts) !== JSON.stringify(expected)) wrong.push({ round, facts: facts.length, expected: expected.length });

      const before = new Date(Date.parse(history.snapshots[0]!.at) - 1).toISOString();
      if ((await orgTreeAt(db.pool, before)).length) wrong.push({ round, at: before, expected: 'no organisation yet' });
      for (const snapshot of history.snapshots) {
        const paths = pathsIn(snapshot);
        const got = await orgTreeAt(db.pool, snapshot.at);
        const want = [...snapshot.orgs].map(([id, o]) => ({ id, parentId: o.parentId, status: o.status, path: paths.get(id) }));
        const actual = got.map((n) => ({ id: n.id, parentId: n.parentId, status: n.status, path: n.path }));
        want.sort((a, b) => (a.id < b.id ? -1 : 1));
        if (JSON.stringify(actual) !== JSON.stringify(want)) wrong.push({ round, at: snapshot.at, tree: 'differs' });

        // One subtree per instant, by the same history: an organisation picked at random.
        const ids = [...snapshot.orgs.keys()];
        const root = ids[Math.floor(random() * ids.length)]!;
        const below = ids.filter((id) => paths.get(id)!.includes(`/${root}/`)).sort();
        const subtree = await idsBelowOrSameAt(db.pool, root, snapshot.at);
        if (JSON.stringify(subtree) !== JSON.stringify(below)) wrong.push({ round, at: snapshot.at, root, subtree, below });
      }
    }
    // The seed replays the histories (ORG_TREE_SEED); the interleavings are the machine's.
    expect({ seed, wrong: wrong.slice(0, 5), count: wrong.length }).toEqual({ seed, wrong: [], count: 0 });
  }, 300_000);
});

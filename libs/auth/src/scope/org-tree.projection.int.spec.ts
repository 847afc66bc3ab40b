import type { PoolClient } from 'pg';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { OrgTreeHistory, prng, shuffledDelivery, type HistoryEvent } from './org-tree-history.fixture';
import { OrgTreeProjection } from './org-tree.projection';
import { migrateOrgTree } from './org-tree.schema';
import { ScopeService } from './scope.service';

// 100 orders of a fresh random history each run (ORG_TREE_PERMUTATIONS=1000 for a deeper search): 300 made this
// one test half a minute of npm test.
const PERMUTATIONS = Number(process.env['ORG_TREE_PERMUTATIONS'] ?? 100);
const STEPS = 30;

// The copy of the tree every service keeps for scope, fed with one history of the
// organization service delivered in a hundred orders Kafka could produce: each
// organisation's events in order, organisations interleaved at random, some delivered
// twice. Real Postgres; each delivery runs in a transaction that is rolled back.
describe(OrgTreeProjection.name, () => {
  let db: TestSchema;
  let client: PoolClient;
  const sut = new OrgTreeProjection();

  beforeAll(async () => {
    db = await createTestSchema('org_tree_order');
    await migrateOrgTree(db.pool);
    client = await db.pool.connect();
  });

  afterAll(async () => {
    client?.release();
    await db?.drop();
  });

  async function deliver(events: readonly HistoryEvent[], scope?: ScopeService) {
    await client.query('begin');
    try {
      for (const e of events) {
        const change = await sut.apply(client, e);
        scope?.applyChange(change);
      }
      const { rows } = await client.query<{
        id: string;
        parent_id: string | null;
        code: string;
        path: string | null;
        status: string;
        merged_into_id: string | null;
        name: string;
      }>(`select id, parent_id, code, path, status, merged_into_id, name from org_tree order by id`);
      const loaded = new ScopeService();
      await loaded.load(client);
      return { rows, loaded };
    } finally {
      await client.query('rollback');
    }
  }

  it('apply_WhenEventsArriveInAnyCrossOrganisationOrder_ConvergesToTheSourceTree', async () => {
    const seed = Number(process.env['ORG_TREE_SEED'] ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const history = new OrgTreeHistory(random);
    history.register(null, '91');
    const moves = () => history.events.filter((e) => e.type === 'organization.OrganizationMoved').length;
    // The history must exercise what this test is about: moves, with children on both sides of them.
    for (let i = 0; i < STEPS || moves() < 6; i++) history.step();
    const expected = history.expected();

    const inOrder = await deliver(history.events);
    expect(inOrder.rows).toEqual(expected);

    const ids = expected.map((o) => o.id);
    const memoryDrift: { p: number; a: string; b: string }[] = [];
    for (let p = 0; p < PERMUTATIONS; p++) {
      const order = shuffledDelivery(history.events, random, p % 3);
      const scope = new ScopeService();
      const { rows, loaded } = await deliver(order, scope);
      if (JSON.stringify(rows) !== JSON.stringify(expected)) {
        // Name the seed and permutation so the failure can be replayed (ORG_TREE_SEED).
        expect({ seed, permutation: p, rows }).toEqual({ seed, permutation: p, rows: expected });
      }
      // What the consumer kept in memory answers like a fresh load of the table.
      for (const a of ids)
        for (const b of ids) if (scope.isWithin({ orgId: a }, b) !== loaded.isWithin({ orgId: a }, b)) memoryDrift.push({ p, a, b });
    }
    expect(memoryDrift).toEqual([]);
  }, 600_000);

  it('apply_WhenAChildIsRegisteredAfterItsParentMoved_TakesTheMovedCode', async () => {
    const history = new OrgTreeHistory(prng(1));
    const root = history.register(null, '91')!;
    const a = history.register(root, '9101')!;
    const b = history.register(root, '9102')!;
    const child = history.register(a, '910155')!;
    history.move(a, b);
    const [rootReg, aReg, bReg, childReg, aMoved] = history.events;
    const { rows } = await deliver([rootReg!, aReg!, bReg!, aMoved!, childReg!]);
    expect(rows.find((r) => r.id === child.id)).toMatchObject({ code: '91020155', path: `/${root.id}/${b.id}/${a.id}/${child.id}/` });
  });

  it('apply_WhenADeadLetteredMoveIsReDrivenAfterANewerRename_StillMoves', async () => {
    const history = new OrgTreeHistory(prng(2));
    const root = history.register(null, '91')!;
    const a = history.register(root, '9101')!;
    const b = history.register(root, '9102')!;
    history.move(a, b);
    const rename = (org: typeof a) => ({
      eventId: `rename-${org.version + 1}`,
      type: 'organization.OrganizationRenamed',
      streamId: `organization-${org.id}`,
      streamVersion: ++org.version,
      data: { organizationId: org.id, name: `renamed ${org.version}`, previousName: org.name },
    });
    const renamed = rename(a);
    const [rootReg, aReg, bReg, aMoved] = history.events;

    // Moved v2 was dead-lettered, Renamed v3 applied; then Moved v2 is re-driven.
    const late = await deliver([rootReg!, aReg!, bReg!, renamed, aMoved!]);
    expect(late.rows.find((r) => r.id === a.id)).toMatchObject({ parent_id: b.id, code: '910201', name: 'renamed 3' });
    expect(late.loaded.isWithin({ orgId: b.id }, a.id)).toBe(true);

    // A re-driven move older than a move already applied stays ignored.
    history.move(a, root);
    const movedBack = history.events[history.events.length - 1]!;
    const stale = await deliver([rootReg!, aReg!, bReg!, renamed, movedBack, aMoved!]);
    expect(stale.rows.find((r) => r.id === a.id)).toMatchObject({ parent_id: root.id, name: 'renamed 3' });
  });
});

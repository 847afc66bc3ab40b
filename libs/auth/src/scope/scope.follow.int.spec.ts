import type { Pool } from 'pg';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import { OrgTreeHistory, prng, type HistoryEvent } from './org-tree-history.fixture';
import { OrgTreeProjection } from './org-tree.projection';
import { migrateOrgTree } from './org-tree.schema';
import { ScopeService, type Following } from './scope.service';

// Two replicas of one service: one org_tree table, one consumer group, so each replica's
// consumer applies only its own partitions' events. The other replica's memory must follow
// every change anyway. Real Postgres, real LISTEN/NOTIFY.
describe(`${ScopeService.name}.follow`, () => {
  let db: TestSchema;
  const following: Following[] = [];

  beforeAll(async () => {
    db = await createTestSchema('scope_follow');
    await migrateOrgTree(db.pool);
  });

  afterAll(async () => {
    for (const f of following) await f.stop();
    await db?.drop();
  });

  /** Applies events as the replica owning their partition does: in one transaction, memory told before commit. */
  async function applyOn(pool: Pool, scope: ScopeService, events: readonly HistoryEvent[]): Promise<void> {
    const projection = new OrgTreeProjection();
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (const e of events) scope.applyChange(await projection.apply(client, e));
      await client.query('commit');
    } finally {
      client.release();
    }
  }

  it('follow_WhenAnotherReplicaAppliesAnEvent_ThisReplicasScopeFollowsWithinADeadline', async () => {
    const history = new OrgTreeHistory(prng(7));
    const root = history.register(null, '91')!;
    const a = history.register(root, '9101')!;
    const b = history.register(root, '9102')!;
    const child = history.register(a, '910155')!;
    const replicaA = new ScopeService();
    const replicaB = new ScopeService();
    await applyOn(db.pool, replicaA, history.events);
    await replicaA.load(db.pool);
    await replicaB.load(db.pool);
    following.push(replicaA.follow(db.pool), replicaB.follow(db.pool));
    await waitUntil('both replicas to listen', () => following.every((f) => f.listening), { timeoutMs: 5_000 });
    expect(replicaB.isWithin({ orgId: a.id }, child.id)).toBe(true);

    // Replica A's consumer owns a's partition: a moves below b, then child is dissolved.
    const seen = history.events.length;
    history.move(a, b);
    await applyOn(db.pool, replicaA, history.events.slice(seen));
    await waitUntil('replica B to see the move', () => replicaB.isWithin({ orgId: b.id }, child.id), { timeoutMs: 5_000 });

    await applyOn(db.pool, replicaA, [
      {
        eventId: 'dissolve-a',
        type: 'organization.OrganizationDissolved',
        streamId: `organization-${child.id}`,
        streamVersion: 2,
        data: { organizationId: child.id, dissolvedOn: '2013-01-01' },
      },
    ]);
    expect(replicaA.isWithin({ orgId: child.id }, child.id)).toBe(false);
    await waitUntil(
      'replica B to stop granting scope to the dissolved organisation',
      () => !replicaB.isWithin({ orgId: child.id }, child.id),
      {
        timeoutMs: 5_000,
      },
    );
  });
});

import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE } from '../src/infrastructure/audit-database';
import { createAuditTestApp } from './support/audit-test-app';
import { HORIZON_TEST_TIMEOUT, PAST_THE_HORIZON } from './support/horizon';

jest.setTimeout(HORIZON_TEST_TIMEOUT);

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'checkpoint-every-events',
};

/**
 * The "every N events" trigger (VANGUARD_CHECKPOINT_EVERY_EVENTS), with the schedule off: N
 * events appended to the store produce a published checkpoint of size N, fewer do not, and the
 * next one comes once the log has grown by N again, not at every event in between.
 */
describe('a checkpoint every N events (e2e)', () => {
  let db: TestSchema;
  let audit: INestApplication;
  let store: PostgresEventStore;
  let version = 0;
  const append = async (n: number) => {
    const events = Array.from({ length: n }, (_, i) => ({ type: 'evaluation.PledgeMade', data: { n: version + i + 1 } }));
    await store.append('pledge-growing', events, { expectedVersion: version === 0 ? 'no_stream' : version, context });
    version += n;
  };
  const published = async () =>
    (await db.pool.query<{ size: string }>(`select size from audit.log_checkpoints where store = $1 order by size`, [db.schema])).rows.map(
      (r) => Number(r.size),
    );

  beforeAll(async () => {
    db = await createTestSchema('audit_every_n');
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
    store = new PostgresEventStore(db.pool, { schema: db.schema, groupCommit: false });
    audit = await createAuditTestApp({
      // Both contexts on this suite's store: the two logs see the same events and publish as one store row.
      schemas: { evaluation: db.schema, commendation: db.schema },
      checkpointIntervalMs: 0,
      checkpointEveryEvents: 5,
    });
  });
  afterAll(async () => {
    await audit?.close();
    if (db) await db.pool.query(`delete from audit.log_checkpoints where store = $1`, [db.schema]);
    await db?.drop();
  });

  it('publishes a checkpoint once N events were appended, and the next after N more', async () => {
    await append(3);
    await append(2);
    await waitUntil('a checkpoint of size 5', async () => (await published()).includes(5), PAST_THE_HORIZON);
    await append(3);
    await append(1);
    await append(1);
    await waitUntil('a checkpoint of size 10', async () => (await published()).includes(10), PAST_THE_HORIZON);
    // 3, 8 and 9 events past a checkpoint were each fewer than N: no checkpoint there.
    expect(await published()).toEqual([5, 10]);
  });
});

import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { migrateOutbox, OutboxRelaySource } from '../src';

// ADR 0015's relay lock names the outbox it leads. Two services' outboxes in one database, each
// reached through its pool's search_path (no schema in the options), are two outboxes: each gets a
// leader. Keyed by the bare table name they shared one lock, and one relay stood by for ever while
// its outbox filled (two clean-clone runs timed out so in the shared test database).
describe('relay leader lock per schema', () => {
  const schemas: TestSchema[] = [];

  beforeAll(async () => {
    for (const prefix of ['relay_lock_a', 'relay_lock_b']) {
      const db = await createTestSchema(prefix);
      await migrateOutbox(db.pool);
      schemas.push(db);
    }
  });

  afterAll(async () => {
    await Promise.all(schemas.map((db) => db.drop()));
  });

  it('WhenTwoUnqualifiedOutboxesInDifferentSchemasAreRelayed_EachRelayLeadsItsOwn', async () => {
    const sources = schemas.map((db) => new OutboxRelaySource(db.pool));
    try {
      const batches = await Promise.all(sources.map((s) => s.read(undefined, 10)));
      expect(batches.map((b) => b.standby ?? false)).toEqual([false, false]);
      expect(sources.map((s) => s.isLeader)).toEqual([true, true]);
    } finally {
      await Promise.all(sources.map((s) => s.close()));
    }
  });

  it('WhenTwoRelaysShareOneUnqualifiedOutbox_OnlyOneLeads', async () => {
    const sources = [new OutboxRelaySource(schemas[0]!.pool), new OutboxRelaySource(schemas[0]!.pool)];
    try {
      const batches = await Promise.all(sources.map((s) => s.read(undefined, 10)));
      expect(batches.filter((b) => !b.standby)).toHaveLength(1);
      expect(sources.filter((s) => s.isLeader)).toHaveLength(1);
    } finally {
      await Promise.all(sources.map((s) => s.close()));
    }
  });
});

import { migrate, personal, PostgresEventStore } from '@vanguard/event-store';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { AuditReader } from '../src/application/audit-reader';
import { verifyStores } from '../src/application/verify-stores';

const context = {
  actor: { sub: 'county.organizer', roles: ['organizer'], orgId: 'org-910425', kind: 'user' as const },
  orgId: 'org-910425',
  correlationId: 'forget-test',
};

/** A forgotten person's values read as redacted, and the stream still verifies: never reported as tampering. */
describe('a forgotten person under audit (integration)', () => {
  let db: TestSchema;
  let reader: AuditReader;
  const stream = 'review-m1-2011';

  beforeAll(async () => {
    db = await createTestSchema('audit_forget');
    await migrate(db.pool, { schema: db.schema });
    const writer = new PostgresEventStore(db.pool, { schema: db.schema });
    await writer.append(
      stream,
      [{ type: 'evaluation.SelfAssessmentSubmitted', data: { memberId: 'm1', note: personal('member-m1', '张三的自评') } }],
      {
        expectedVersion: 'no_stream',
        context,
      },
    );
    await writer.forget('member-m1');
    reader = new AuditReader(db.pool, { evaluation: db.schema, commendation: db.schema });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('reads the value as redacted, naming the subject and nothing of the value', async () => {
    const t = await reader.timeline(stream, 1, 10);
    expect(t.events[0]!.data).toEqual({ memberId: 'm1', note: { $redacted: 'member-m1' } });
    expect(JSON.stringify(t)).not.toContain('张三');
  });

  it('verifies the stream and the whole store as intact', async () => {
    expect(await verifyStores(reader, { stream })).toMatchObject({ ok: true, checkedEvents: 1, broken: null });
    expect(await verifyStores(reader, { everything: true })).toMatchObject({ ok: true, broken: null });
  });
});

import { randomUUID } from 'node:crypto';
import { ContractViolationError, MemberJoined, type EventEnvelope } from '@vanguard/contracts';
import type { TestSchema } from '@vanguard/testing';
import { writeOutboxBatch } from '../src/infrastructure/outbox/bulk-outbox';
import { isolatedOrganizationSchema } from './support/isolated-schema';

describe(writeOutboxBatch.name, () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_bulk_outbox');
  });
  afterAll(() => db.drop());

  function memberJoined(data: Record<string, unknown> = {}): EventEnvelope {
    const memberId = randomUUID();
    const orgId = randomUUID();
    const at = new Date().toISOString();
    return {
      eventId: randomUUID(),
      type: MemberJoined.type,
      version: 1,
      streamId: `member-${memberId}`,
      streamVersion: 1,
      occurredAt: at,
      recordedAt: at,
      actor: { sub: 'bulk-test', roles: ['organizer'], kind: 'user' },
      orgId,
      correlationId: randomUUID(),
      causationId: null,
      data: { memberId, orgId, name: '王芳', status: 'full', joinedOn: '2010-07-01', roles: [], ...data },
    };
  }

  const stored = async (events: readonly EventEnvelope[]) =>
    (
      await db.pool.query<{ envelope: EventEnvelope }>(
        'select envelope from vanguard_outbox where event_id = any($1::uuid[]) order by id',
        [events.map((e) => e.eventId)],
      )
    ).rows.map((r) => r.envelope);

  it('WhenTheSecondEventBreaksItsContract_RefusesTheWholeBatchNamingIt', async () => {
    const events = [memberJoined(), memberJoined({ status: 'honorary' }), memberJoined()];
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      const write = writeOutboxBatch(client, events);
      await expect(write).rejects.toThrow(ContractViolationError);
      await expect(write).rejects.toThrow(/events\[1\]: data: status/);
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(await stored(events)).toEqual([]);
  });

  it('WhenAnEventCarriesAFieldItsContractDoesNotKnow_StoresTheContractsFormWithoutIt', async () => {
    const events = [memberJoined(), memberJoined({ phone: '13800000000' })];
    const client = await db.pool.connect();
    try {
      await client.query('begin');
      await writeOutboxBatch(client, events);
      await client.query('commit');
    } finally {
      client.release();
    }
    const rows = await stored(events);
    expect(rows.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(rows[1]!.data).not.toHaveProperty('phone');
    expect(rows[1]!.data).toEqual(expect.objectContaining({ name: '王芳', status: 'full' }));
  });
});

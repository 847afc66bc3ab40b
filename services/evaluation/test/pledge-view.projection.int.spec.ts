import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { RecordedEvent } from '@vanguard/event-store';
import type { PledgeEvent } from '@vanguard/evaluation-domain';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { PledgeView1764600000002 } from '../src/infrastructure/migrations/1764600000002-pledge-view.migration';
import { PledgeViewProjection } from '../src/infrastructure/projection/pledge-view.projection';

const ORG = randomUUID();
const decision = { decidedBy: { sub: 's', role: 'branch_secretary', orgId: ORG }, inputs: [], rule: { id: 'r', version: 1 }, reason: '' };

/** One pledge's history: made, returned, amended, filed, published, two reports, fulfilled, rated. */
function history(pledgeId: string): RecordedEvent[] {
  const events: PledgeEvent[] = [
    {
      type: 'evaluation.PledgeMade',
      data: {
        pledgeId,
        campaignId: randomUUID(),
        cycleId: randomUUID(),
        pledger: { kind: 'organization', id: ORG },
        orgId: ORG,
        category: 'deed_for_masses',
        content: '修路',
        dueOn: '2011-06-01',
        followsPledgeId: null,
      },
    },
    { type: 'evaluation.PledgeReturned', data: { pledgeId, decision } },
    { type: 'evaluation.PledgeAmended', data: { pledgeId, category: 'stage_task', content: '修3公里路', dueOn: '2011-06-10' } },
    { type: 'evaluation.PledgeFiled', data: { pledgeId, decision } },
    { type: 'evaluation.PledgePublished', data: { pledgeId } },
    { type: 'evaluation.PledgeProgressReported', data: { pledgeId, note: 'a', percent: 30 } },
    { type: 'evaluation.PledgeProgressReported', data: { pledgeId, note: 'b', percent: 70 } },
    { type: 'evaluation.PledgeFulfilled', data: { pledgeId, decision } },
    {
      type: 'evaluation.PledgeRated',
      data: { pledgeId, tally: { satisfied: 9, basicallySatisfied: 0, dissatisfied: 1 }, satisfactionPermille: 900, decision },
    },
  ];
  return events.map(
    (e, i) =>
      ({
        ...e,
        streamId: `pledge-${pledgeId}`,
        streamVersion: i + 1,
        recordedAt: `2011-05-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
      }) as unknown as RecordedEvent,
  );
}

/**
 * At-least-once delivery as a subscription gives it: in order, but after a failure it goes
 * back to an earlier checkpoint and delivers again from there.
 */
function redelivered(events: RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let i = 0;
  while (i < events.length) {
    out.push(events[i]!);
    i++;
    if (Math.random() < 0.4) i = Math.floor(Math.random() * i);
  }
  return out;
}

describe(PledgeViewProjection.name, () => {
  let db: TestSchema;
  let sut: PledgeViewProjection;
  const row = async (pledgeId: string) =>
    (await db.pool.query(`select * from pledge_view where pledge_id = $1`, [pledgeId])).rows.map((r: Record<string, unknown>) => ({
      ...r,
      pledge_id: undefined,
    }))[0];

  beforeAll(async () => {
    db = await createTestSchema('pledge_view');
    await new PledgeView1764600000002().up(db.pool as unknown as QueryRunner);
    sut = new PledgeViewProjection(db.pool);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('ends with the same row whatever is delivered again, over 15 random redeliveries', async () => {
    const once = randomUUID();
    for (const e of history(once)) await sut.apply(e);
    const expected = await row(once);
    expect(expected).toMatchObject({ status: 'fulfilled', percent: 100, returned_count: 1, satisfaction_permille: 900, version: 9 });
    for (let round = 0; round < 15; round++) {
      const id = randomUUID();
      for (const e of redelivered(history(id))) await sut.apply(e);
      expect(await row(id)).toEqual({ ...expected, campaign_id: expect.any(String), cycle_id: expect.any(String) });
    }
  });
});

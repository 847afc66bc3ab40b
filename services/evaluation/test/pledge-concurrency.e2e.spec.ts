import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');
const COMMANDS = 50;
const ROUNDS = 4;

const shuffle = <T>(xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
};

/** Yields to the event loop a random number of turns: bursts overlap differently in every round. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/**
 * Fifty commands on one pledge at once, file and return mixed at random and sent in bursts
 * of random size: exactly one is recorded, every other gets 409, and the stream grows by
 * exactly one event.
 */
describe('fifty concurrent commands on one pledge (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let township: string;
  let village: string;
  let campaign: { campaignId: string; cycleId: string };
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    [township, village] = [await tokenFor('township.secretary'), await tokenFor('village.secretary')];
    campaign = await openCampaign(app, await tokenFor('county.organizer'));
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const eventsOf = async (pledgeId: string) =>
    (
      await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
        `pledge-${pledgeId}`,
      ])
    ).rows.map((r) => r.type);

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: exactly one wins, the rest get 409', async () => {
    const made = await http()
      .post('/pledges')
      .set({ Authorization: `Bearer ${village}` })
      .send({
        ...campaign,
        pledger: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        category: 'stage_task',
        content: '完成村级活动场所建设',
        dueOn: '2011-06-01',
      });
    expect(made.status).toBe(201);
    const pledgeId = made.body.pledgeId as string;
    expect(await eventsOf(pledgeId)).toEqual(['evaluation.PledgeMade']);

    const verbs = shuffle(Array.from({ length: COMMANDS }, () => (Math.random() < 0.5 ? 'file' : 'return')));
    const pending: Promise<{ verb: string; status: number; code: unknown }>[] = [];
    let i = 0;
    while (i < verbs.length) {
      const burst = verbs.slice(i, i + 1 + Math.floor(Math.random() * 15));
      i += burst.length;
      for (const verb of burst) {
        pending.push(
          http()
            .post(`/pledges/${pledgeId}/${verb}`)
            .set({ Authorization: `Bearer ${township}` })
            .send({ reason: '把关备案' })
            .then((res) => ({ verb, status: res.status, code: (res.body as { code?: unknown }).code })),
        );
      }
      await turns(Math.floor(Math.random() * 4));
    }
    const answers = await Promise.all(pending);

    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 200);
    expect(losers.map((a) => a.status)).toEqual(Array(COMMANDS - 1).fill(409));
    for (const a of losers) expect(['STREAM.CONCURRENT_CHANGE', 'PLEDGE.NOT_AWAITING_FILING']).toContain(a.code);
    const recorded = winners[0]!.verb === 'file' ? 'evaluation.PledgeFiled' : 'evaluation.PledgeReturned';
    expect(await eventsOf(pledgeId)).toEqual(['evaluation.PledgeMade', recorded]);
  });
});

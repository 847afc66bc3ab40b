import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { enrolInRoster } from './support/roster-fixture';

const VILLAGE = demoOrgId('910425101201');
const COMMANDS = 50;
const ROUNDS = 3;

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/**
 * Fifty approvals and returns of one pending conclusion at once, mixed at random and sent in
 * bursts of random size: exactly one is recorded, the other 49 get 409, one event is added.
 */
describe('fifty concurrent decisions on one review (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  let village: string;
  let reviewer: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-12-10'));
    [village, reviewer] = [await tokenFor('village.secretary'), await tokenFor('city.reviewer')];
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    // Peers in the village to cast the ballots (a tally cannot outnumber the branch's active members).
    await enrolInRoster(
      db,
      VILLAGE,
      Array.from({ length: 25 }, () => randomUUID()),
    );
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  const typesOf = async (member: string) =>
    (
      await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
        `review-${member}-2011`,
      ])
    ).rows.map((r) => r.type);

  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: exactly one wins, the rest get 409', async () => {
    const member = randomUUID();
    await enrolInRoster(db, VILLAGE, [member]);
    const step = async (path: string, body: object, status = 200) =>
      expect(
        (
          await http()
            .post(`/reviews/${member}/2011/${path}`)
            .set({ Authorization: `Bearer ${village}` })
            .send(body)
        ).status,
      ).toBe(status);
    await step('self-assessment', { orgId: VILLAGE, selfAssessment: '总结', partySpiritAnalysis: '分析' }, 201);
    await step('ballots', { tally: { excellent: 3, qualified: 20, basicallyQualified: 0, unqualified: 0 } });
    await step('conclude', { grade: 'qualified', reason: '合格' });

    const verbs = Array.from({ length: COMMANDS }, () => (Math.random() < 0.5 ? 'approve' : 'return'));
    const pending: Promise<{ verb: string; status: number; code: unknown }>[] = [];
    let i = 0;
    while (i < verbs.length) {
      const burst = verbs.slice(i, i + 1 + Math.floor(Math.random() * 15));
      i += burst.length;
      for (const verb of burst)
        pending.push(
          http()
            .post(`/reviews/${member}/2011/${verb}`)
            .set({ Authorization: `Bearer ${reviewer}` })
            .send({ reason: '审核意见' })
            .then((res) => ({ verb, status: res.status, code: (res.body as { code?: unknown }).code })),
        );
      await turns(Math.floor(Math.random() * 4));
    }
    const answers = await Promise.all(pending);
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((a) => a.status !== 200);
    expect(losers.map((a) => a.status)).toEqual(Array(COMMANDS - 1).fill(409));
    for (const a of losers) expect(['STREAM.CONCURRENT_CHANGE', 'REVIEW.NOT_CONCLUDED']).toContain(a.code);
    const recorded = winners[0]!.verb === 'approve' ? 'evaluation.ReviewApproved' : 'evaluation.ReviewReturned';
    expect((await typesOf(member)).slice(3)).toEqual([recorded]);
  });
});

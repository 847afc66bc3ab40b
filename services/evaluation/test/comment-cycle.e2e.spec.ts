import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign, PHASES } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const VILLAGE = demoOrgId('910425101201');
const OTHER_TOWNSHIP = demoOrgId('910425102');

/**
 * The cycle a leader's comment names (ADR 0138), through HTTP with real Keycloak tokens: a cycle no
 * campaign plans, or one of a campaign over another subtree, is a 400 naming `cycleId`; one only
 * planned a 422; nothing is appended for either. An open cycle is recorded with the campaign read.
 */
describe('the cycle a leader comment names (e2e)', () => {
  let app: INestApplication;
  let db: Client;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  /** A summary no other comment has, so what was appended for this request alone can be counted. */
  const commentOn = (cycleId: string) => {
    const summary = `季度点评 ${randomUUID()}`;
    const sent = http()
      .post('/comments')
      .set(as('township.secretary'))
      .send({
        orgId: VILLAGE,
        cycleId,
        form: 'on_site',
        summary,
        findings: [{ problem: '三会一课记录不全', rectification: '补齐记录，建立台账', deadline: '2011-05-31' }],
        reason: '季度点评',
      });
    return { sent, summary };
  };
  const commentsRecordedWith = async (summary: string) =>
    Number(
      (
        await db.query<{ n: string }>(
          `select count(*) as n from evaluation.events
            where type = 'evaluation.LeaderCommentMade' and (canonical::jsonb) #>> '{data,summary}' = $1`,
          [summary],
        )
      ).rows[0]!.n,
    );
  const refusedWithNothingAppended = async (cycleId: string, status: number, code: string) => {
    const { sent, summary } = commentOn(cycleId);
    const res = await sent;
    expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({ status, code });
    expect((res.body as { message: string }).message).toContain('cycleId');
    expect(await commentsRecordedWith(summary)).toBe(0);
  };

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['county.organizer', 'township.secretary']) tokens[u] = await tokenFor(u);
    db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('refuses a cycle that no campaign plans with 400 naming cycleId, and appends nothing', async () => {
    await refusedWithNothingAppended(randomUUID(), 400, 'COMMENT.UNKNOWN_CYCLE');
  });

  it('refuses a cycle of a campaign over another township as it refuses an unknown one', async () => {
    const auth = as('county.organizer');
    const launched = await http().post('/campaigns').set(auth).send({ orgId: OTHER_TOWNSHIP, name: '河口镇创先争优活动', phases: PHASES });
    expect(launched.status).toBe(201);
    const campaignId = (launched.body as { campaignId: string }).campaignId;
    const planned = await http()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(auth)
      .send({ quarter: '2011-Q2', startsOn: '2011-04-01', endsOn: '2011-06-30', themes: { default: '服务群众', bySector: {} } });
    expect(planned.status).toBe(201);
    const cycleId = (planned.body as { cycleId: string }).cycleId;
    expect((await http().post(`/campaigns/${campaignId}/cycles/${cycleId}/open`).set(auth)).status).toBe(200);

    await refusedWithNothingAppended(cycleId, 400, 'COMMENT.UNKNOWN_CYCLE');
  });

  it('refuses a cycle that is planned and not opened yet with 422, and appends nothing', async () => {
    const { campaignId } = await openCampaign(app, tokens['county.organizer']!);
    const planned = await http()
      .post(`/campaigns/${campaignId}/cycles`)
      .set(as('county.organizer'))
      .send({ quarter: '2011-Q3', startsOn: '2011-07-01', endsOn: '2011-09-30', themes: { default: '对标定位', bySector: {} } });
    expect(planned.status).toBe(201);

    await refusedWithNothingAppended((planned.body as { cycleId: string }).cycleId, 422, 'COMMENT.CYCLE_NOT_OPENED');
  });

  it('records a comment on the open cycle of the county’s campaign with the campaign stream it read among its inputs', async () => {
    const { campaignId, cycleId } = await openCampaign(app, tokens['county.organizer']!);
    const { sent } = commentOn(cycleId);
    const res = await sent;
    expect(res.status).toBe(201);

    const { rows } = await db.query<{ data: { cycleId: string; decision: { inputs: unknown[]; checks?: unknown[] } } }>(
      `select canonical::jsonb -> 'data' as data from evaluation.events where stream_id = $1`,
      [`comment-${(res.body as { commentId: string }).commentId}`],
    );
    expect(rows[0]!.data.cycleId).toBe(cycleId);
    // Launched, planned, opened: the cycle was read at the campaign's third version.
    expect(rows[0]!.data.decision.inputs[0]).toEqual({ streamId: `campaign-${campaignId}`, version: 3 });
    expect(rows[0]!.data.decision.checks).toEqual([
      { id: 'evaluation.comment.cycle-of-campaign', version: 1 },
      { id: 'evaluation.comment.cycle-opened', version: 1 },
    ]);
  });
});

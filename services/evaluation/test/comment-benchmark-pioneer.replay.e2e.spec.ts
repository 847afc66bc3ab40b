import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { replayDecision, type BenchmarkEvent, type CommentEvent, type PioneerEvent } from '@vanguard/evaluation-domain';
import { PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';
import { rosterMember } from './support/roster-fixture';

const VILLAGE = demoOrgId('910425101201');

/**
 * What the audit service does with a decision recorded through HTTP: `replayDecision` folds its
 * stream up to the recorded input version, rebuilds the command from the decision alone (the
 * organisation path included: nothing is handed in) and runs the recorded rule versions — for
 * the rectification, benchmark and pioneer decisions.
 */
describe('replaying comment, benchmark and pioneer decisions (e2e)', () => {
  let app: INestApplication;
  let pool: Pool;
  let store: PostgresEventStore;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const read = async <E>(streamId: string) =>
    (await store.readStream(streamId)).map((e: RecordedEvent) => ({ type: e.type, data: e.data }) as unknown as E);

  beforeAll(async () => {
    app = await createEvaluationTestApp(clockOn('2011-05-10'));
    for (const u of ['county.organizer', 'township.secretary', 'village.secretary']) tokens[u] = await tokenFor(u);
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
    store = new PostgresEventStore(pool, { schema: 'evaluation' });
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  it('a rectification confirmed from above', async () => {
    const made = await http()
      .post('/comments')
      .set(as('county.organizer'))
      .send({
        orgId: VILLAGE,
        form: 'written',
        summary: '书面点评',
        findings: [{ problem: 'p', rectification: 'r', deadline: '2011-05-20' }],
      });
    expect(made.status).toBe(201);
    const { commentId, findingIds } = made.body as { commentId: string; findingIds: string[] };
    expect(
      (
        await http()
          .post(`/comments/${commentId}/findings/${findingIds[0]}/complete`)
          .set(as('township.secretary'))
          .send({ reason: '核实' })
      ).status,
    ).toBe(200);
    const events = await read<CommentEvent>(`comment-${commentId}`);
    expect(events.at(-1)!.type).toBe('evaluation.RectificationCompleted');
    expect(replayDecision(events, events.length - 1)).toMatchObject({ matches: true, refusal: null });
  });

  it('a benchmark confirmed reached', async () => {
    const chosen = await http()
      .post('/benchmarks')
      .set(as('village.secretary'))
      .send({
        subject: { kind: 'organization', id: VILLAGE },
        orgId: VILLAGE,
        target: { kind: 'organization', id: randomUUID(), name: '标杆村' },
        gaps: ['g'],
        measures: ['m'],
        dueOn: '2011-12-31',
      });
    const id = chosen.body.benchmarkId as string;
    expect((await http().post(`/benchmarks/${id}/reached`).set(as('township.secretary')).send({ reason: '核实达标' })).status).toBe(200);
    const events = await read<BenchmarkEvent>(`benchmark-${id}`);
    expect(events.at(-1)!.type).toBe('evaluation.BenchmarkReached');
    expect(replayDecision(events, events.length - 1)).toMatchObject({ matches: true, refusal: null });
  });

  it('a pioneer selected by a majority', async () => {
    const campaign = await openCampaign(app, tokens['county.organizer']!);
    const candidate = { kind: 'member', id: await rosterMember(pool, VILLAGE) };
    expect(
      (
        await http()
          .post('/pioneers/nominations')
          .set(as('village.secretary'))
          .send({ ...campaign, orgId: VILLAGE, candidate, deeds: '事迹' })
      ).status,
    ).toBe(201);
    const picked = await http()
      .post('/pioneers/selections')
      .set(as('township.secretary'))
      .send({ cycleId: campaign.cycleId, orgId: VILLAGE, candidate, votesFor: 5, votesCast: 9, reason: '投票' });
    expect(picked.status).toBe(201);
    const events = await read<PioneerEvent>(`pioneer-${VILLAGE}-${campaign.cycleId}`);
    expect(events.at(-1)!.type).toBe('evaluation.QuarterPioneerSelected');
    expect(replayDecision(events, events.length - 1)).toMatchObject({ matches: true, refusal: null });
  });
});

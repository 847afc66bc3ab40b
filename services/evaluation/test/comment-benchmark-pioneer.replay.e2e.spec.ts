import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import {
  benchmarkDecider,
  commentDecider,
  pioneerDecider,
  type BenchmarkEvent,
  type CommentEvent,
  type PioneerEvent,
} from '@vanguard/evaluation-domain';
import { PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { fold } from '@vanguard/kernel';
import { tokenFor } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { openCampaign } from './support/campaign-fixture';
import { clockOn, createEvaluationTestApp } from './support/evaluation-test-app';

const COUNTY = demoOrgId('910425');
const TOWNSHIP = demoOrgId('910425101');
const VILLAGE = demoOrgId('910425101201');
const PATH = [demoOrgId('91'), demoOrgId('9104'), COUNTY, TOWNSHIP, VILLAGE];

/**
 * What the audit service does with a decision recorded through HTTP: fold its stream up to the
 * recorded input version, run the decider with the recorded decider and facts, and get the
 * recorded event back — for the rectification, benchmark and pioneer decisions.
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
  const upTo = <E extends { data: unknown }>(events: E[], decided: E) =>
    events.slice(0, (decided.data as { decision: { inputs: { version: number }[] } }).decision.inputs[0]!.version);

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
    const done = events.at(-1)!;
    if (done.type !== 'evaluation.RectificationCompleted') throw new Error(done.type);
    const { decision, findingId, completedOn } = done.data;
    const replayed = commentDecider.decide(
      {
        type: 'CompleteRectification',
        data: { findingId, completedOn, decidedBy: decision.decidedBy, orgPath: PATH, reason: decision.reason },
      },
      fold(commentDecider, upTo(events, done)),
    );
    expect(replayed).toEqual([done]);
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
    const reached = events.at(-1)!;
    if (reached.type !== 'evaluation.BenchmarkReached') throw new Error(reached.type);
    const { decidedBy, reason } = reached.data.decision;
    const replayed = benchmarkDecider.decide(
      { type: 'ConfirmBenchmarkReached', data: { decidedBy, orgPath: PATH, reason } },
      fold(benchmarkDecider, upTo(events, reached)),
    );
    expect(replayed).toEqual([reached]);
  });

  it('a pioneer selected by a majority', async () => {
    const campaign = await openCampaign(app, tokens['county.organizer']!);
    const candidate = { kind: 'member', id: randomUUID() };
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
    const selected = events.at(-1)!;
    if (selected.type !== 'evaluation.QuarterPioneerSelected') throw new Error(selected.type);
    const { votesFor, votesCast, decision } = selected.data;
    const replayed = pioneerDecider.decide(
      {
        type: 'SelectQuarterPioneer',
        data: {
          candidate: selected.data.candidate,
          votesFor,
          votesCast,
          decidedBy: decision.decidedBy,
          orgPath: PATH,
          reason: decision.reason,
        },
      },
      fold(pioneerDecider, upTo(events, selected)),
    );
    expect(replayed).toEqual([selected]);
  });
});

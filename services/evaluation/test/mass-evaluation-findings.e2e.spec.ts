import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { commentDecider, massEvaluationDecider, type CommentEvent, type MassEvaluationEvent } from '@vanguard/evaluation-domain';
import { PostgresEventStore, type RecordedEvent } from '@vanguard/event-store';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { fold } from '@vanguard/kernel';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { evaluationConfig } from '../src/evaluation.config';
import { evaluationUpcasters } from '../src/infrastructure/event-store/evaluation-event-versions';
import { createEvaluationTestApp } from './support/evaluation-test-app';
import { enrolInRoster } from './support/roster-fixture';

const VILLAGE = demoOrgId('910425101201');

/**
 * 群众评议问题整改 end to end (ADR 0031): a member's window is run and closed, the problem the voters
 * raised becomes a finding, the finding goes overdue when its deadline passes undone, and the
 * member's democratic-review evidence pack shows it beside the window's rate. Every decision on the
 * way replays from its recorded inputs and rule version; a v1 publication still reads and folds.
 */
describe('mass evaluation findings (e2e)', () => {
  let app: INestApplication;
  let pool: Pool;
  let store: PostgresEventStore;
  let today = '2011-05-30';
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(app.getHttpServer());
  const post = (user: string, path: string, body: object = {}) => http().post(path).set(as(user)).send(body);
  const read = async <E>(streamId: string) =>
    (await store.readStream(streamId)).map((e: RecordedEvent) => ({ type: e.type, data: e.data }) as unknown as E);
  const member = randomUUID();
  let windowId = '';

  beforeAll(async () => {
    app = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
    for (const u of ['township.secretary', 'village.secretary']) tokens[u] = await tokenFor(u);
    pool = new Pool({ connectionString: evaluationConfig(infraConfig(), 'test').databaseUrl, max: 2 });
    store = new PostgresEventStore(pool, { schema: 'evaluation', upcasters: evaluationUpcasters });
    await enrolInRoster(pool, VILLAGE, [member]);

    // The township runs a window on one member of 红石村: three voters, two of them cast.
    const opened = await post('township.secretary', '/mass-evaluations', {
      subject: { kind: 'member', id: member },
      orgId: VILLAGE,
      eligibleVoters: 3,
      opensOn: '2011-06-01',
      closesOn: '2011-06-07',
    });
    expect(opened.status).toBe(201);
    windowId = opened.body.windowId as string;
    const codes = (await post('township.secretary', `/mass-evaluations/${windowId}/codes`, { count: 2, format: 'json' })).body
      .codes as string[];
    today = '2011-06-03';
    for (const [i, rating] of (['satisfied', 'dissatisfied'] as const).entries()) {
      const vote = await http()
        .post(`/mass-evaluations/${windowId}/ballots`)
        .send({ code: codes[i], rating, ...(i === 1 ? { comment: '走访群众次数少' } : {}) });
      expect(vote.status).toBe(201);
    }
  });
  afterAll(async () => {
    await pool?.end();
    await app?.close();
  });

  const findings = [{ problem: '走访群众次数少', rectification: '每月走访联系户不少于两次', deadline: '2011-07-15' }];
  const record = (user = 'township.secretary', body: object = { summary: '群众评议提出的问题', findings, reason: '评议意见' }) =>
    post(user, `/mass-evaluations/${windowId}/findings`, body);

  it('records the problems only after close, as findings on the window’s findings stream, once', async () => {
    const early = await record();
    expect([early.status, early.body.code]).toEqual([409, 'MASS_EVALUATION.STILL_OPEN']);
    const empty = await record('township.secretary', { summary: 's', findings: [], reason: 'r' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('findings');

    expect((await post('township.secretary', `/mass-evaluations/${windowId}/close`)).status).toBe(200);
    expect((await post('township.secretary', `/mass-evaluations/${windowId}/publish`)).status).toBe(200);
    today = '2011-06-10';
    const done = await record();
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ commentId: windowId, version: 1 });
    const again = await record();
    expect([again.status, again.body.code]).toEqual([409, 'COMMENT.ALREADY_MADE']);
  });

  it('is open before its deadline and overdue after it, judged when read, as a comment’s rectification is', async () => {
    const view = () => http().get(`/comments/${windowId}`).set(as('township.secretary'));
    const finding = await waitUntil('the comment projection to hold the findings', async () => {
      const r = await view();
      return r.status === 200
        ? (r.body as { form: string; memberId: string; findings: { status: string; windowId: string }[] })
        : undefined;
    });
    expect(finding).toMatchObject({ form: 'mass_evaluation', memberId: member, findings: [{ status: 'open', windowId }] });
    today = '2011-08-01';
    expect((await view()).body.findings[0]).toMatchObject({ status: 'overdue', windowId });
  });

  it('appears in the evidence pack of the member under review, overdue, beside the window’s tally and rate', async () => {
    const self = await post('village.secretary', `/reviews/${member}/2011/self-assessment`, {
      orgId: VILLAGE,
      selfAssessment: '联系群众',
      partySpiritAnalysis: '走访偏少',
    });
    expect(self.status).toBe(201);
    const pack = await waitUntil('the evidence pack to hold the mass rating', async () => {
      const r = await http().get(`/reviews/${member}/2011/evidence`).set(as('township.secretary'));
      const items = (r.body.items ?? []) as { source: string }[];
      return items.some((i) => i.source === 'mass_rating') ? (r.body as { items: object[]; inputs: object[] }) : undefined;
    });
    const [window] = await Promise.all([read<MassEvaluationEvent>(`mass-evaluation-${windowId}`)]);
    expect(pack.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'rectification',
          kind: 'rectification.overdue',
          streamId: `comment-${windowId}`,
          version: 1,
          summary: '走访群众次数少',
          facts: expect.objectContaining({ raisedBy: 'mass_evaluation', about: 'member', deadline: '2011-07-15' }),
        }),
        expect.objectContaining({
          source: 'mass_rating',
          kind: 'mass_rating.published',
          streamId: `mass-evaluation-${windowId}`,
          version: window.length,
          facts: expect.objectContaining({ satisfied: 1, dissatisfied: 1, ballotsCast: 2, satisfactionPermille: 500 }),
        }),
      ]),
    );
    expect(pack.inputs).toEqual(
      expect.arrayContaining([
        { streamId: `comment-${windowId}`, version: 1 },
        { streamId: `mass-evaluation-${windowId}`, version: window.length },
      ]),
    );
  });

  it('carries findings on the organisation only into the pack of a member who leads it', async () => {
    const secretary = randomUUID();
    await pool.query(
      `insert into evaluation.roster_members (id, org_id, status, membership, roles, version)
       values ($1, $2, 'full', 'active', '{secretary}', 0)`,
      [secretary, VILLAGE],
    );
    // The township rates 红石村 itself; nobody votes; the problem it records is on the organisation.
    const opened = await post('township.secretary', '/mass-evaluations', {
      subject: { kind: 'organization', id: VILLAGE },
      orgId: VILLAGE,
      eligibleVoters: 1,
      opensOn: '2011-08-02',
      closesOn: '2011-08-05',
    });
    const orgWindow = opened.body.windowId as string;
    expect((await post('township.secretary', `/mass-evaluations/${orgWindow}/close`)).status).toBe(200);
    const byTheVillage = await post('village.secretary', `/mass-evaluations/${orgWindow}/findings`, {
      summary: '自评',
      findings,
      reason: 'r',
    });
    expect([byTheVillage.status, byTheVillage.body.code]).toEqual([422, 'MASS_EVALUATION.NOT_ORGANISER']);
    const deadline = [{ ...findings[0]!, deadline: '2011-09-30' }];
    expect(
      (await post('township.secretary', `/mass-evaluations/${orgWindow}/findings`, { summary: '问题', findings: deadline, reason: 'r' }))
        .status,
    ).toBe(201);
    expect(
      (
        await post('village.secretary', `/reviews/${secretary}/2011/self-assessment`, {
          orgId: VILLAGE,
          selfAssessment: '抓班子',
          partySpiritAnalysis: '督促整改不够',
        })
      ).status,
    ).toBe(201);
    const streams = async (m: string) =>
      ((await http().get(`/reviews/${m}/2011/evidence`).set(as('township.secretary'))).body.items as { streamId: string }[]).map(
        (i) => i.streamId,
      );
    await waitUntil('the secretary’s pack to hold the organisation’s finding', async () =>
      (await streams(secretary)).includes(`comment-${orgWindow}`),
    );
    expect(await streams(member)).not.toContain(`comment-${orgWindow}`);
  });

  it('replays the findings and the publication from their recorded inputs and rule versions', async () => {
    const window = await read<MassEvaluationEvent>(`mass-evaluation-${windowId}`);
    const published = window.at(-1)!;
    if (published.type !== 'evaluation.MassEvaluationPublished') throw new Error(published.type);
    const { decision } = published.data;
    expect(decision.rule).toEqual({ id: 'evaluation.mass-evaluation.publish-closed', version: 1 });
    expect(
      massEvaluationDecider.decide(
        { type: 'PublishMassEvaluation', data: { decidedBy: decision.decidedBy } },
        fold(massEvaluationDecider, window.slice(0, decision.inputs[0]!.version)),
      ),
    ).toEqual([published]);

    const [recorded] = await read<CommentEvent>(`comment-${windowId}`);
    if (recorded?.type !== 'evaluation.MassEvaluationFindingsRecorded') throw new Error(recorded?.type);
    const d = recorded.data;
    const [windowInput, ...pathInputs] = d.decision.inputs;
    expect(d.decision.rule).toEqual({ id: 'evaluation.mass-evaluation.problems-by-organiser', version: 1 });
    const asRead = fold(massEvaluationDecider, window.slice(0, windowInput!.version));
    const replayed = commentDecider.decide(
      {
        type: 'RecordMassEvaluationFindings',
        data: {
          window: {
            windowId,
            status: asRead.status,
            orgId: asRead.orgId!,
            subject: { kind: asRead.subjectKind!, id: asRead.subjectId! },
            version: windowInput!.version,
          },
          orgPath: pathInputs.map((i) => ({ orgId: i.streamId.replace(/^organization-/, ''), version: i.version })),
          decidedBy: d.decision.decidedBy,
          recordedOn: d.recordedOn,
          summary: d.summary,
          findings: d.findings,
          reason: d.decision.reason,
        },
      },
      commentDecider.initialState(),
    );
    expect(replayed).toEqual([recorded]);
  });

  it('appends the publication at v2, and still reads and folds a window published at v1', async () => {
    const stored = await pool.query<{ type: string; version: number }>(
      `select type, version from evaluation.events where stream_id = $1 order by stream_version`,
      [`mass-evaluation-${windowId}`],
    );
    expect(stored.rows.filter((r) => r.type !== 'evaluation.BallotCodesIssued').map((r) => [r.type, r.version])).toEqual([
      ['evaluation.MassEvaluationOpened', 2],
      ['evaluation.MassEvaluationClosed', 1],
      ['evaluation.MassEvaluationPublished', 2],
    ]);

    // A window as the service recorded it before v2: no decision on the opening or the publication.
    const old = randomUUID();
    const actor = { sub: 'township.secretary', roles: ['branch_secretary'], orgId: demoOrgId('910425101'), kind: 'user' as const };
    const tally = { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 };
    const rule = { id: 'evaluation.satisfaction-rate', version: 1 };
    await store.append(
      `mass-evaluation-${old}`,
      [
        {
          type: 'evaluation.MassEvaluationOpened',
          version: 1,
          data: {
            windowId: old,
            subject: { kind: 'organization', id: VILLAGE },
            orgId: VILLAGE,
            cycleId: null,
            eligibleVoters: 1,
            opensOn: '2011-06-01',
            closesOn: '2011-06-02',
          },
        },
        {
          type: 'evaluation.MassEvaluationClosed',
          version: 1,
          data: {
            windowId: old,
            tally,
            ballotsCast: 1,
            satisfactionPermille: 1000,
            decision: { decidedBy: { ...actor, role: 'branch_secretary' }, inputs: [], rule, reason: '1 票' },
          },
        },
        { type: 'evaluation.MassEvaluationPublished', version: 1, data: { windowId: old } },
      ],
      { expectedVersion: 'no_stream', context: { actor, orgId: VILLAGE, correlationId: randomUUID() } },
    );
    const events = await store.readStream(`mass-evaluation-${old}`);
    expect(events[2]).toMatchObject({
      version: 2,
      data: {
        windowId: old,
        decision: {
          decidedBy: { sub: 'township.secretary', role: 'branch_secretary', orgId: demoOrgId('910425101') },
          inputs: [{ streamId: `mass-evaluation-${old}`, version: 2 }],
          rule: { id: 'evaluation.mass-evaluation.publish-closed', version: 1 },
        },
      },
    });
    const { state } = await store.aggregateStream(`mass-evaluation-${old}`, {
      initialState: massEvaluationDecider.initialState,
      evolve: (s, e: RecordedEvent) => massEvaluationDecider.evolve(s, e as unknown as MassEvaluationEvent),
    });
    expect({ status: state.status, rate: state.satisfactionPermille }).toEqual({ status: 'published', rate: 1000 });
  });
});

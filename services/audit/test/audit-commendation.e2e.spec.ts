import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import request from 'supertest';
import { demoOrgId, infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { PgInbox } from '@vanguard/messaging';
import { NoteVerifier, verifyBundle } from '@vanguard/transparency-log';
import { binaryBody, tokenFor, waitUntil } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- decisions are made through the services' own commands, in-process, as their e2e suites make them
import { clockOn, createEvaluationTestApp } from '../../evaluation/test/support/evaluation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { enrolInRoster } from '../../evaluation/test/support/roster-fixture';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { MovableClock, createCommendationTestApp } from '../../commendation/test/support/commendation-test-app';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the consumer's own handlers carry the real evaluation event over, without the broker
import { eligibilityFactHandlers } from '../../commendation/src/infrastructure/eligibility/eligibility-facts.projection';
import { createAuditTestApp } from './support/audit-test-app';

const COUNTY = demoOrgId('910425');
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const BAIHUA = demoOrgId('910425101');
const HONGSHI = demoOrgId('910425101201');

/**
 * A member's democratic review approved through the evaluation service, its ReviewApproved carried
 * to commendation by the consumer's handlers, the member nominated, endorsed and put on notice
 * through the commendation service; then audited: explain replays the eligibility check from
 * evaluation's own store, a grade rewritten there is named, and the programme reads as of the
 * notice's start and diffs field by field.
 */
describe('audit of commendation decisions (e2e)', () => {
  let evaluation: INestApplication;
  let commendation: INestApplication;
  let audit: INestApplication;
  const clock = new MovableClock('2011-04-15');
  const owner = new Pool({ connectionString: infraConfig().testDatabaseUrl, max: 3 });
  const commendationDb = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 2 });
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const auditHttp = () => request(audit.getHttpServer());
  const member = randomUUID();
  let programmeId: string;
  let nomination: string;
  let refusedNomination: string;
  let beforeEndorsement: string;
  let noticeStart: string;
  let noticeEndsOn: string;

  beforeAll(async () => {
    evaluation = await createEvaluationTestApp(clockOn('2011-05-10'));
    commendation = await createCommendationTestApp(clock);
    audit = await createAuditTestApp();
    const users = ['village.secretary', 'city.reviewer', 'county.organizer', 'township.organizer', 'province.auditor'];
    for (const u of users) tokens[u] = await tokenFor(u);

    // 民主评议: self-assessment, ballots, the branch's conclusion, approval above.
    await enrolInRoster(owner, HONGSHI, [member, ...Array.from({ length: 25 }, () => randomUUID())]);
    const ev = (user: string, path: string, body: object = {}) =>
      request(evaluation.getHttpServer()).post(`/reviews/${member}/2011${path}`).set(as(user)).send(body).expect(200);
    await request(evaluation.getHttpServer())
      .post(`/reviews/${member}/2011/self-assessment`)
      .set(as('village.secretary'))
      .send({ orgId: HONGSHI, selfAssessment: '带头兑现承诺', partySpiritAnalysis: '学习不够深入' })
      .expect(201);
    await ev('village.secretary', '/ballots', { tally: { excellent: 12, qualified: 6, basicallyQualified: 1, unqualified: 0 } });
    await ev('village.secretary', '/conclude', { grade: 'excellent', reason: '优秀票过半' });
    await ev('city.reviewer', '/approve', { reason: '同意支部意见' });
    await carryReviewApprovedToCommendation();

    const cm = () => request(commendation.getHttpServer());
    const launched = await cm()
      .post('/programmes')
      .set(as('county.organizer'))
      .send({
        name: `审计 七一表彰 ${randomUUID().slice(0, 6)}`,
        orgId: COUNTY,
        level: 'county',
        categories: ['outstanding_member'],
        years: [2011],
        timeline: {
          nominationOpensOn: '2011-04-15',
          nominationClosesOn: '2011-05-10',
          reviewDeadlines: [
            { level: 'township', dueOn: '2011-05-20' },
            { level: 'county', dueOn: '2011-05-31' },
          ],
          notice: { days: 5, dayKind: 'working' },
          decisionOn: '2011-06-28',
        },
        eligibilityPolicies: [{ id: 'commendation.eligibility.review-grade', version: 2 }],
      })
      .expect(201);
    programmeId = launched.body.programmeId as string;
    await cm()
      .post(`/programmes/${programmeId}/quotas`)
      .set(as('county.organizer'))
      .send({ unitOrgId: BAIHUA, category: 'outstanding_member', places: 2 })
      .expect(200);
    clock.day = '2011-04-20';
    const nominate = (id: string, name: string) =>
      cm()
        .post('/nominations')
        .set(as('village.secretary'))
        .send({
          programmeId,
          category: 'outstanding_member',
          nominee: { kind: 'member', id, name, orgId: HONGSHI },
          deeds: { summary: `${name}带头修路`, record: `${name}的主要事迹……` },
        });
    nomination = `nomination-${(await nominate(member, '甲').expect(201)).body.nominationId as string}`;
    const refusedMember = randomUUID();
    await nominate(refusedMember, '丙').expect(422);
    refusedNomination = (
      await commendationDb.query<{ stream_id: string }>(
        `select stream_id from events where type = 'commendation.EligibilityChecked' and canonical like '%' || $1 || '%'`,
        [refusedMember],
      )
    ).rows[0]!.stream_id;
    beforeEndorsement = new Date().toISOString();

    clock.day = '2011-05-15';
    const endorse = (user: string) =>
      cm()
        .post(`/nominations/${nomination.slice('nomination-'.length)}/endorse`)
        .set(as(user))
        .send({ reason: '同意' })
        .expect(200);
    await endorse('township.organizer');
    await endorse('county.organizer');
    // The notice lists the board's shortlist, a projection that follows the stream: wait for it.
    await waitUntil(
      'the nomination shortlisted on the board',
      async () =>
        (
          await commendationDb.query(`select 1 from nomination_view where nomination_id = $1 and status = 'shortlisted'`, [
            nomination.slice('nomination-'.length),
          ])
        ).rowCount === 1,
    );
    clock.day = '2011-06-01';
    noticeEndsOn = (await cm().post(`/programmes/${programmeId}/notice`).set(as('county.organizer')).send({}).expect(200)).body
      .endsOn as string;
    const published = await auditHttp().get(`/streams/public-notice-${programmeId}/timeline`).set(as('province.auditor')).expect(200);
    noticeStart = (published.body.events as { type: string; recordedAt: string }[]).find(
      (e) => e.type === 'commendation.PublicNoticePublished',
    )!.recordedAt;
  });
  afterAll(async () => {
    await audit?.close();
    await commendation?.close();
    await evaluation?.close();
    await commendationDb.end();
    await owner.end();
  });

  it('replays an eligibility check from evaluation’s own store at the recorded versions, with the recorded policy version', async () => {
    const version = await checkVersion(nomination);
    const res = await auditHttp().get(`/streams/${nomination}/decisions/${version}/explain`).set(as('province.auditor')).expect(200);
    expect(res.body).toMatchObject({
      type: 'commendation.EligibilityChecked',
      reproduced: true,
      differences: [],
      missingInputs: [],
      ruleVersionsRun: [{ id: 'commendation.eligibility.review-grade', version: 2 }],
      programme: { streamId: `award-programme-${programmeId}`, years: [2011] },
      recorded: { eligible: true, rule: { id: 'commendation.eligibility', version: 1 } },
    });
    expect(res.body.inputs).toContainEqual({ streamId: `review-${member}-2011`, version: 4 });
    // A refusal on no facts replays as the same refusal.
    const refused = await auditHttp()
      .get(`/streams/${refusedNomination}/decisions/${await checkVersion(refusedNomination)}/explain`)
      .set(as('province.auditor'))
      .expect(200);
    expect(refused.body).toMatchObject({ reproduced: true, recorded: { eligible: false } });
  });

  it('says what differs when the grade the check read is rewritten in evaluation’s store', async () => {
    const stream = `review-${member}-2011`;
    const { rows } = await owner.query<{ canonical: string }>(
      `select canonical from evaluation.events where stream_id = $1 and type = 'evaluation.ReviewApproved'`,
      [stream],
    );
    const original = rows[0]!.canonical;
    const forged = original.replace('"grade":"excellent"', '"grade":"qualified"');
    expect(forged).not.toBe(original);
    await rewrite('evaluation', stream, 'evaluation.ReviewApproved', forged);
    try {
      const version = await checkVersion(nomination);
      const res = await auditHttp().get(`/streams/${nomination}/decisions/${version}/explain`).set(as('province.auditor')).expect(200);
      expect(res.body.reproduced).toBe(false);
      expect(res.body.differences).toEqual(
        expect.arrayContaining([
          { path: 'eligible', before: true, after: false },
          { path: 'results[0].passed', before: true, after: false },
          { path: 'rule.id', before: 'commendation.eligibility', after: 'commendation.eligibility.review-grade' },
        ]),
      );
    } finally {
      await rewrite('evaluation', stream, 'evaluation.ReviewApproved', original);
    }
  });

  it('explains the commendation decided, its revocation and every decision before them with the decider the service decides with; a rewritten allocation is named', async () => {
    const cm = () => request(commendation.getHttpServer());
    const id = nomination.slice('nomination-'.length);
    clock.day = dayAfter(noticeEndsOn);
    await cm().post(`/nominations/${id}/decide`).set(as('county.organizer')).send({ documentNumber: '松组发〔2011〕12号' }).expect(200);
    await cm().post(`/nominations/${id}/revoke`).set(as('county.organizer')).send({ reason: '事迹失实' }).expect(200);
    type Explained = {
      reproduced: boolean;
      refusal: string | null;
      streamsRead: string[];
      assumed: string[];
      replayed: { data: unknown }[];
    };
    const explain = async (stream: string, type: string): Promise<Explained> => {
      const version = (await versionsOf(stream))[type]!;
      const res = await auditHttp().get(`/streams/${stream}/decisions/${version}/explain`).set(as('province.auditor')).expect(200);
      return res.body as Explained;
    };
    const places = `places-${programmeId}.${BAIHUA}`;
    const decisions: [string, string][] = [
      [nomination, 'commendation.NominationSubmitted'],
      [nomination, 'commendation.NominationEndorsed'],
      [nomination, 'commendation.CommendationDecided'],
      [nomination, 'commendation.CommendationRevoked'],
      [`award-programme-${programmeId}`, 'commendation.AwardProgrammeLaunched'],
      [`award-programme-${programmeId}`, 'commendation.QuotaAllocated'],
      [`public-notice-${programmeId}`, 'commendation.PublicNoticePublished'],
      [places, 'commendation.PlaceGranted'],
    ];
    // Each records what it checked (ADR 0080): paths with levels, the objections found; nothing is assumed.
    for (const [stream, type] of decisions)
      expect([type, await explain(stream, type)]).toEqual([
        type,
        expect.objectContaining({ type, reproduced: true, differences: [], assumed: [] }),
      ]);
    const decided = await explain(nomination, 'commendation.CommendationDecided');
    expect(decided.streamsRead).toEqual([`public-notice-${programmeId}@1`]); // the programme drew no objection: `objections: []`
    expect(decided.replayed[0]!.data).toMatchObject({ documentNumber: '松组发〔2011〕12号', decidedOn: clock.day });

    // The allocation the places were counted against, rewritten as the database owner from 2 places to 0.
    const programme = `award-programme-${programmeId}`;
    const { rows } = await owner.query<{ canonical: string }>(
      `select canonical from commendation.events where stream_id = $1 and type = 'commendation.QuotaAllocated'`,
      [programme],
    );
    const original = rows[0]!.canonical;
    const forged = original.replace('"places":2', '"places":0');
    expect(forged).not.toBe(original);
    await rewrite('commendation', programme, 'commendation.QuotaAllocated', forged);
    try {
      const granted = await explain(places, 'commendation.PlaceGranted');
      expect(granted).toMatchObject({ reproduced: false, refusal: 'NOMINATION.OVER_QUOTA' });
      const endorsed = await explain(nomination, 'commendation.NominationEndorsed');
      expect(endorsed).toMatchObject({ reproduced: false, refusal: 'NOMINATION.OVER_QUOTA' });
      const allocated = await explain(programme, 'commendation.QuotaAllocated');
      expect(allocated.reproduced).toBe(true); // the allocation itself replays: the rewrite shows in what read it
    } finally {
      await rewrite('commendation', programme, 'commendation.QuotaAllocated', original);
    }
    expect((await explain(places, 'commendation.PlaceGranted')).reproduced).toBe(true);

    // The decision's own record rewritten: the summary it commended no longer the one the nomination held.
    const recorded = await owner.query<{ canonical: string }>(
      `select canonical from commendation.events where stream_id = $1 and type = 'commendation.CommendationDecided'`,
      [nomination],
    );
    const decidedText = recorded.rows[0]!.canonical;
    await rewrite('commendation', nomination, 'commendation.CommendationDecided', decidedText.replace('甲带头修路', '甲带头修桥'));
    try {
      const forgedDecision = await explain(nomination, 'commendation.CommendationDecided');
      expect(forgedDecision).toMatchObject({
        reproduced: false,
        refusal: null,
        differences: [{ path: '[0].data.deedsSummary', before: '甲带头修桥', after: '甲带头修路' }],
      });
    } finally {
      await rewrite('commendation', nomination, 'commendation.CommendationDecided', decidedText);
    }
  });

  it('replays a submission on the levels it recorded: the township’s rewritten as a village is named in the chain drawn from it', async () => {
    const submittedAt = (await versionsOf(nomination))['commendation.NominationSubmitted']!;
    const explain = async () =>
      (await auditHttp().get(`/streams/${nomination}/decisions/${submittedAt}/explain`).set(as('province.auditor')).expect(200)).body as {
        reproduced: boolean;
        refusal: string | null;
        assumed: string[];
        differences: { path: string; before: unknown; after: unknown }[];
      };
    expect(await explain()).toMatchObject({ reproduced: true, assumed: [], differences: [] });
    const { rows } = await owner.query<{ canonical: string }>(
      `select canonical from commendation.events where stream_id = $1 and type = 'commendation.NominationSubmitted'`,
      [nomination],
    );
    const original = rows[0]!.canonical;
    // Recorded through the service: each organisation at the tree copy's version, and the paths with the nominator's levels.
    expect((JSON.parse(original) as { data: { decision: unknown } }).data.decision).toMatchObject({
      inputs: expect.arrayContaining([
        { streamId: `organization-${BAIHUA}`, version: expect.any(Number) },
        { streamId: `organization-${HONGSHI}`, version: expect.any(Number) },
      ]),
      orgPaths: [
        {
          of: 'nominator',
          orgs: expect.arrayContaining([
            { orgId: BAIHUA, level: 'township' },
            { orgId: HONGSHI, level: 'village' },
          ]),
        },
        { of: 'nominee', orgs: expect.arrayContaining([{ orgId: HONGSHI }]) },
      ],
    });
    // Keys are sorted in the canonical text: a level before its id is an `orgPaths` entry, not a chain step (which starts with its due day).
    const forged = original.replace(`{"level":"township","orgId":"${BAIHUA}"}`, `{"level":"village","orgId":"${BAIHUA}"}`);
    expect(forged).not.toBe(original);
    await rewrite('commendation', nomination, 'commendation.NominationSubmitted', forged);
    try {
      const res = await explain();
      // The recorded path is taken as read: with no township on it the chain drawn skips the township's review.
      expect(res).toMatchObject({ reproduced: false, refusal: null, assumed: [] });
      expect(res.differences).toEqual(
        expect.arrayContaining([
          { path: '[1].data.chain[0].orgId', before: BAIHUA, after: COUNTY },
          { path: '[1].data.chain[0].level', before: 'township', after: 'county' },
        ]),
      );
    } finally {
      await rewrite('commendation', nomination, 'commendation.NominationSubmitted', original);
    }
  });

  it('reads the programme as the shortlist stood when its notice began, and diffs it field by field from before the endorsements', async () => {
    const atNotice = await auditHttp()
      .get(`/programmes/${programmeId}/as-of?at=${encodeURIComponent(noticeStart)}`)
      .set(as('province.auditor'))
      .expect(200);
    expect(atNotice.body.nominations).toContainEqual(
      expect.objectContaining({ streamId: nomination, state: expect.objectContaining({ status: 'shortlisted' }) }),
    );
    const diff = await auditHttp()
      .get(`/programmes/${programmeId}/diff?fromAt=${encodeURIComponent(beforeEndorsement)}&toAt=${encodeURIComponent(noticeStart)}`)
      .set(as('province.auditor'))
      .expect(200);
    expect(diff.body.changes).toContainEqual({ path: `nominations.${nomination}.status`, before: 'under_review', after: 'shortlisted' });
    expect(diff.body.changes.some((c: { path: string }) => c.path.startsWith('notice.'))).toBe(true);
    const bad = await auditHttp().get(`/programmes/${programmeId}/diff?fromAt=yesterday&toAt=${noticeStart}`).set(as('province.auditor'));
    expect([bad.status, bad.body.errors]).toEqual([400, [{ field: 'fromAt', reason: expect.any(String) }]]);
  });

  it('exports the programme’s whole evidence in one bundle that verifies with the lib alone', async () => {
    const res = await auditHttp()
      .get(`/transparency/commendation/export?programme=${programmeId}`)
      .set(as('province.auditor'))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    const key = NoteVerifier.parse((res.headers['x-vanguard-verify'] as string).split("'")[1]!);
    const report = await verifyBundle(res.body as Buffer, { trustedKeys: [key], allowDevelopmentKey: true });
    expect(report.streams.map((s) => s.stream)).toEqual(
      expect.arrayContaining([`award-programme-${programmeId}`, `public-notice-${programmeId}`, nomination, refusedNomination]),
    );
    expect((await auditHttp().get(`/transparency/evaluation/export?programme=${programmeId}`).set(as('province.auditor'))).status).toBe(
      400,
    );
  });

  /** The version of the first event of each type in the stream. */
  async function versionsOf(stream: string): Promise<Record<string, number>> {
    const t = await auditHttp().get(`/streams/${stream}/timeline`).set(as('province.auditor')).expect(200);
    const versions: Record<string, number> = {};
    for (const e of t.body.events as { type: string; streamVersion: number }[]) versions[e.type] ??= e.streamVersion;
    return versions;
  }

  async function checkVersion(stream: string): Promise<number> {
    const t = await auditHttp().get(`/streams/${stream}/timeline`).set(as('province.auditor')).expect(200);
    return (t.body.events as { type: string; streamVersion: number }[]).find((e) => e.type === 'commendation.EligibilityChecked')!
      .streamVersion;
  }

  /** The approved review as evaluation published it, applied by commendation's consumer handlers and inbox. */
  async function carryReviewApprovedToCommendation(): Promise<void> {
    const { rows } = await owner.query<{ canonical: string }>(
      `select canonical from evaluation.events where stream_id = $1 and type = 'evaluation.ReviewApproved'`,
      [`review-${member}-2011`],
    );
    const event = JSON.parse(rows[0]!.canonical) as { eventId: string };
    const origin = { topic: 'audit-e2e', partition: 0, offset: '0' };
    await new PgInbox(commendationDb).processOnce('commendation.audit-e2e', event as never, origin, (tx: PoolClient) =>
      eligibilityFactHandlers['evaluation.ReviewApproved']!(event as never, { tx, origin, attempt: 1 }),
    );
  }

  /** As the database owner, past the append-only trigger. */
  async function rewrite(schema: string, streamId: string, type: string, canonical: string): Promise<void> {
    const c = await owner.connect();
    try {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(`update ${schema}.events set canonical = $2 where stream_id = $1 and type = $3`, [streamId, canonical, type]);
      await c.query('commit');
    } finally {
      c.release();
    }
  }
});

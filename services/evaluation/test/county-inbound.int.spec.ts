import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { bootstrapDemoTree, OrgEventSigner } from '@vanguard/auth';
import { CountyMemberLinked, type EventEnvelope } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { demoOrgId } from '@vanguard/infra-config';
import { ensureTopics, toKafkaMessage } from '@vanguard/messaging';
import { metricsRegistry } from '@vanguard/observability';
import { CountySystems, testProducer, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { AssessOrganizationHandler } from '../src/application/commands/assess-organization/assess-organization.handler';
import { EvidencePack } from '../src/application/reviews/evidence-pack';
import { StoreAssessmentReplayer } from '../src/infrastructure/assessments/store-assessment.replayer';
import { evaluationProjections } from '../src/infrastructure/projection/projections';
import { rebuildProjections } from '../src/infrastructure/projection/rebuild';
import { CountyInboundRunner } from '../src/infrastructure/county/county-inbound.runner';
import { clockOn, countyInboundOverrides, createEvaluationTestApp } from './support/evaluation-test-app';
import { evaluationStoreSchema } from './support/store-schema';

const SONGLING = demoOrgId('910425');
const HEKOU = demoOrgId('910426');
const HONGSHI = demoOrgId('910425101201');
const ctx = {
  actor: { sub: 'village.secretary', roles: ['branch_secretary'], orgId: HONGSHI, kind: 'user' as const },
  orgId: HONGSHI,
  correlationId: 'county-int',
};
const decision = (reason = '') => ({
  decidedBy: { sub: 'township', role: 'organizer', orgId: HONGSHI },
  inputs: [],
  rule: { id: 'fixture', version: 1 },
  reason,
});

// Pledge progress, democratic-review and mass-evaluation tallies from a county system, end to end
// in the evaluation service: real county tokens, the gate in front of evaluation's translations,
// events in the store and replies on the county's reply topic through the outbox relay.
describe(`${CountyInboundRunner.name} (evaluation)`, () => {
  const counties = new CountySystems({ 'county-songling': SONGLING, 'county-hekou': HEKOU });
  const linksTopic = `${testTopicPrefix('evaluation-county-links')}.organization`;
  let db: TestSchema;
  let store: PostgresEventStore;
  let sut: INestApplication;
  const member = randomUUID(); // the platform's id
  const countyMember = randomUUID(); // Songling's own id for the same person
  const unreviewed = randomUUID();
  const countyUnreviewed = randomUUID();

  const link = (countyMemberId: string, memberId: string, version: number): EventEnvelope => {
    const at = new Date().toISOString();
    return OrgEventSigner.fromEnv().sign({
      eventId: randomUUID(),
      type: CountyMemberLinked.type,
      version: 1,
      streamId: `member-${memberId}`,
      streamVersion: version,
      occurredAt: at,
      recordedAt: at,
      actor: { sub: 'organization', roles: ['county_system'], orgId: SONGLING, kind: 'service' },
      orgId: HONGSHI,
      correlationId: randomUUID(),
      causationId: null,
      data: { countyClientId: 'county-songling', countyMemberId, memberId, orgId: HONGSHI },
    });
  };

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_county'));
    await bootstrapDemoTree(db.pool);
    await db.pool.query(
      `insert into roster_members (id, org_id, status, membership, roles, version)
       select id, $1, 'full', 'active', '{}', 0 from unnest($2::uuid[]) as id`,
      [HONGSHI, [member, unreviewed, randomUUID(), randomUUID()]],
    );
    await counties.start();
    await ensureTopics(counties.kafka, [linksTopic]);
    const producer = testProducer(counties.kafka);
    await producer.connect();
    await producer.send({
      topic: linksTopic,
      messages: [link(countyMember, member, 1), link(countyUnreviewed, unreviewed, 1)].map(toKafkaMessage),
    });
    await producer.disconnect();
    sut = await createEvaluationTestApp(clockOn('2011-06-10'), countyInboundOverrides(db, counties.inbound, linksTopic));
    await waitUntil('the county member links', async () => {
      const { rows } = await db.pool.query(`select 1 from county_member_links where county_client_id = 'county-songling'`);
      return rows.length === 2;
    });
  }, 40_000);

  afterAll(async () => {
    await sut?.close();
    await counties.stop();
    await db?.drop();
  });

  const version = async (streamId: string) => store.streamVersion(streamId);

  it('applies progress on the member’s published pledge, refuses it going backwards by the pledge rule, and answers a resend duplicate', async () => {
    const pledgeId = randomUUID();
    await store.append(
      `pledge-${pledgeId}`,
      [
        {
          type: 'evaluation.PledgeMade',
          data: {
            pledgeId,
            campaignId: randomUUID(),
            cycleId: randomUUID(),
            pledger: { kind: 'member', id: member },
            orgId: HONGSHI,
            category: 'deed_for_masses',
            content: '为群众修路',
            dueOn: '2011-06-30',
            followsPledgeId: null,
          },
        },
        { type: 'evaluation.PledgeFiled', data: { pledgeId, decision: decision() } },
        { type: 'evaluation.PledgePublished', data: { pledgeId } },
      ],
      { expectedVersion: 'no_stream', context: ctx },
    );
    const progress = (itemsCompleted: number) => ({
      pledgeId,
      orgId: HONGSHI,
      memberId: countyMember,
      quarter: '2011-Q2',
      itemsPledged: 4,
      itemsCompleted,
      reportedOn: '2011-06-09',
      note: '已修通两段',
    });
    const first = await counties.send('county-songling', 'county.PledgeProgressReported', `pledge-${pledgeId}`, 1, progress(2));
    expect(await counties.replyTo(first)).toMatchObject({ outcome: 'applied', result: { pledgeId, version: '4' } });
    const [event] = await store.readStream(`pledge-${pledgeId}`, { fromVersion: 4 });
    expect(event).toMatchObject({ type: 'evaluation.PledgeProgressReported', data: { percent: 50 }, actor: { roles: ['county_system'] } });

    const back = await counties.send('county-songling', 'county.PledgeProgressReported', `pledge-${pledgeId}`, 2, progress(1));
    expect(await counties.replyTo(back)).toMatchObject({ outcome: 'refused', code: 'evaluation.pledge.progress-forward@1' });

    await counties.send('county-songling', 'county.PledgeProgressReported', `pledge-${pledgeId}`, 1, progress(2), first);
    expect(await counties.replyTo(first, 'duplicate')).toMatchObject({ originalOutcome: 'applied' });
    expect(await version(`pledge-${pledgeId}`)).toBe(4);
  });

  it('tallies a democratic review after the self-assessment (refused before it), a later count replaces it, an older or post-conclusion one is refused', async () => {
    await store.append(
      `review-${member}-2011`,
      [
        {
          type: 'evaluation.SelfAssessmentSubmitted',
          data: {
            memberId: member,
            orgId: HONGSHI,
            year: 2011,
            submittedOn: '2011-06-01',
            selfAssessment: '总结',
            partySpiritAnalysis: '分析',
          },
        },
      ],
      { expectedVersion: 'no_stream', context: ctx },
    );
    const tally = (memberId: string) => ({
      memberId,
      orgId: HONGSHI,
      year: 2011,
      heldOn: '2011-06-08',
      ballotsIssued: 4,
      ballotsReturned: 4,
      votes: { excellent: 3, qualified: 1, basically_qualified: 0, unqualified: 0 },
    });
    const ok = await counties.send(
      'county-songling',
      'county.DemocraticReviewTallied',
      `democratic-review-${countyMember}`,
      1,
      tally(countyMember),
    );
    const early = await counties.send(
      'county-songling',
      'county.DemocraticReviewTallied',
      `democratic-review-${countyUnreviewed}`,
      1,
      tally(countyUnreviewed),
    );
    expect(await counties.replyTo(ok)).toMatchObject({ outcome: 'applied', result: { memberId: member, year: '2011' } });
    expect(await counties.replyTo(early)).toMatchObject({ outcome: 'refused', code: 'evaluation.review.ballots-after-self-assessment@1' });
    const [tallied] = await store.readStream(`review-${member}-2011`, { fromVersion: 2 });
    expect(tallied).toMatchObject({
      type: 'evaluation.PeerBallotsTallied',
      data: { tally: { excellent: 3, qualified: 1 }, activeMembers: 4 },
    });
    expect(await version(`review-${unreviewed}-2011`)).toBe(0);

    // The contract's promise: a later count for the member and year replaces the earlier one (ADR 0046).
    const recount = (heldOn: string, excellent: number) => ({
      ...tally(countyMember),
      heldOn,
      votes: { excellent, qualified: 4 - excellent, basically_qualified: 0, unqualified: 0 },
    });
    const review = `democratic-review-${countyMember}`;
    const later = await counties.send('county-songling', 'county.DemocraticReviewTallied', review, 2, recount('2011-06-09', 1));
    expect(await counties.replyTo(later)).toMatchObject({ outcome: 'applied', result: { memberId: member, year: '2011' } });
    const [replacing] = await store.readStream(`review-${member}-2011`, { fromVersion: 3 });
    expect(replacing).toMatchObject({
      type: 'evaluation.PeerBallotsTallied',
      data: {
        tally: { excellent: 1, qualified: 3 },
        heldOn: '2011-06-09',
        replaces: { version: 2, heldOn: '2011-06-08', tally: { excellent: 3, qualified: 1 } },
        decision: {
          decidedBy: { role: 'county_system', orgId: HONGSHI },
          rule: { id: 'evaluation.review.county-tally-replaces-before-conclusion', version: 1 },
        },
      },
    });
    const older = await counties.send('county-songling', 'county.DemocraticReviewTallied', review, 3, recount('2011-06-07', 4));
    expect(await counties.replyTo(older)).toMatchObject({ outcome: 'refused', code: 'evaluation.review.county-tally-not-older@1' });

    await store.append(
      `review-${member}-2011`,
      [{ type: 'evaluation.ReviewConcluded', data: { memberId: member, year: 2011, grade: 'qualified', decision: decision() } }],
      { expectedVersion: 3, context: ctx },
    );
    const afterwards = await counties.send('county-songling', 'county.DemocraticReviewTallied', review, 4, recount('2011-06-10', 2));
    expect(await counties.replyTo(afterwards)).toMatchObject({
      outcome: 'refused',
      code: 'evaluation.review.county-tally-replaces-before-conclusion@1',
    });
    expect(await version(`review-${member}-2011`)).toBe(4);
  });

  it('records a county’s mass-evaluation count, and refuses an unknown county member and another county’s organisation', async () => {
    const count = (orgId: string, memberId: string | null) => ({
      orgId,
      memberId,
      period: '2011',
      heldOn: '2011-06-05',
      ballotsIssued: 60,
      ballotsReturned: 58,
      votes: { satisfied: 50, basically_satisfied: 5, dissatisfied: 2 },
    });
    const ok = await counties.send(
      'county-songling',
      'county.MassEvaluationTallied',
      `mass-evaluation-${HONGSHI}`,
      1,
      count(HONGSHI, null),
    );
    const stranger = randomUUID();
    const unknown = await counties.send(
      'county-songling',
      'county.MassEvaluationTallied',
      `mass-evaluation-${stranger}`,
      1,
      count(HONGSHI, stranger),
    );
    const foreign = await counties.send(
      'county-songling',
      'county.MassEvaluationTallied',
      `mass-evaluation-${HEKOU}`,
      1,
      count(HEKOU, null),
    );
    expect(await counties.replyTo(ok)).toMatchObject({ outcome: 'applied', result: { subjectId: HONGSHI, period: '2011' } });
    expect(await counties.replyTo(unknown)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_UNKNOWN' });
    expect(await counties.replyTo(foreign)).toMatchObject({ outcome: 'refused', code: 'COUNTY.OUT_OF_SCOPE' });
    const [recorded] = await store.readStream(`mass-tally-${HONGSHI}-2011`);
    expect(recorded).toMatchObject({
      type: 'evaluation.MassEvaluationTallyRecorded',
      data: { satisfactionPermille: 965, decision: { rule: { id: 'evaluation.satisfaction-rate', version: 1 } } },
    });
    expect(await version(`mass-tally-${HEKOU}-2011`)).toBe(0);
  });

  it('waits for the link the organization publishes after a tally arrived, then applies the tally (ADR 0159)', async () => {
    const platformId = randomUUID();
    const countyId = randomUUID();
    await db.pool.query(
      `insert into roster_members (id, org_id, status, membership, roles, version) values ($1, $2, 'full', 'active', '{}', 0)`,
      [platformId, HONGSHI],
    );
    const retried = () => counties.inboundRetries(metricsRegistry);
    const before = await retried();
    const tally = await counties.send('county-songling', 'county.MassEvaluationTallied', `mass-evaluation-${countyId}`, 1, {
      orgId: HONGSHI,
      memberId: countyId,
      period: '2011',
      heldOn: '2011-06-05',
      ballotsIssued: 30,
      ballotsReturned: 30,
      votes: { satisfied: 28, basically_satisfied: 2, dissatisfied: 0 },
    });
    // The gate has looked the id up and found no link: only now is the link published.
    await waitUntil('the gate to hold the tally back', async () => (await retried()) > before);
    const producer = testProducer(counties.kafka);
    await producer.connect();
    await producer.send({ topic: linksTopic, messages: [toKafkaMessage(link(countyId, platformId, 1))] });
    await producer.disconnect();

    expect(await counties.replyTo(tally)).toMatchObject({ outcome: 'applied', result: { subjectId: platformId, period: '2011' } });
    expect(await version(`mass-tally-${platformId}-2011`)).toBe(1);
  });

  it('counts a county’s paper mass evaluation of a member as a mass rating in the review’s evidence pack', async () => {
    const sheet = {
      orgId: HONGSHI,
      memberId: countyMember,
      period: '2011-Q2',
      heldOn: '2011-06-06',
      ballotsIssued: 20,
      ballotsReturned: 20,
      votes: { satisfied: 17, basically_satisfied: 2, dissatisfied: 1 },
    };
    const sent = await counties.send('county-songling', 'county.MassEvaluationTallied', `mass-evaluation-${countyMember}`, 1, sheet);
    expect(await counties.replyTo(sent)).toMatchObject({ outcome: 'applied' });
    const pack = sut.get(EvidencePack);
    const streamId = `mass-tally-${member}-2011-Q2`;
    const item = await waitUntil('the county count in the evidence pack', async () => {
      const { items } = await pack.gather({ memberId: member, orgId: HONGSHI, year: 2011 });
      return items.find((i) => i.streamId === streamId);
    });
    expect(item).toMatchObject({
      source: 'mass_rating',
      kind: 'mass_rating.county_tally',
      version: 1,
      on: '2011-06-06',
      facts: { status: 'county_tally', satisfied: 17, basicallySatisfied: 2, dissatisfied: 1, ballotsCast: 20, satisfactionPermille: 950 },
    });
    expect((await pack.gather({ memberId: member, orgId: HONGSHI, year: 2011 })).inputs).toContainEqual({ streamId, version: 1 });
  });

  it('lets the five-goods assessment weigh the county’s count of the organisation, recorded as its input and replayed from it', async () => {
    const organizer = {
      correlationId: 'county-int',
      caller: { sub: 'county.organizer', roles: ['organizer'], orgId: SONGLING, kind: 'user' as const },
    };
    const scores = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 };
    const input = { period: '2011', scores, satisfactionWindowId: null, satisfactionCountyTally: true, reason: '年度考评' };
    await sut.get(AssessOrganizationHandler).execute(HONGSHI, input, organizer);
    const [assessed] = await store.readStream(`assessment-${HONGSHI}`);
    expect(assessed).toMatchObject({ type: 'evaluation.OrganizationAssessed' });
    expect((assessed!.data as { decision: { inputs: unknown[] } }).decision.inputs).toContainEqual({
      streamId: `mass-tally-${HONGSHI}-2011`,
      version: 1,
    });
    expect(await new StoreAssessmentReplayer(store).replay(HONGSHI, '2011')).toMatchObject({ satisfactionPermille: 965, matches: true });
  });

  it('rebuilds the counties’ counts read model from the store to what the live projection holds', async () => {
    const rows = async () => (await db.pool.query<Record<string, unknown>>(`select * from mass_tally_view order by stream_id`)).rows;
    const live = await rows();
    expect(live.map((r) => r.stream_id)).toEqual(expect.arrayContaining([`mass-tally-${HONGSHI}-2011`, `mass-tally-${member}-2011-Q2`]));
    await db.pool.query(`delete from mass_tally_view`);
    const definitions = evaluationProjections.filter((d) => d.name === 'evaluation.mass-tally-view');
    await rebuildProjections(db.pool, store, definitions);
    expect(await rows()).toEqual(live);
  });

  it('refuses a democratic-review tally held on a day no calendar has DAY.INVALID naming heldOn, stores nothing for it, and tallies the one sent right after it', async () => {
    await store.append(
      `review-${member}-2010`,
      [
        {
          type: 'evaluation.SelfAssessmentSubmitted',
          data: {
            memberId: member,
            orgId: HONGSHI,
            year: 2010,
            submittedOn: '2010-12-01',
            selfAssessment: '总结',
            partySpiritAnalysis: '分析',
          },
        },
      ],
      { expectedVersion: 'no_stream', context: ctx },
    );
    const tally = (heldOn: string) => ({
      memberId: countyMember,
      orgId: HONGSHI,
      year: 2010,
      heldOn,
      ballotsIssued: 4,
      ballotsReturned: 4,
      votes: { excellent: 2, qualified: 2, basically_qualified: 0, unqualified: 0 },
    });
    const review = `democratic-review-${countyMember}`;
    // Year 0000 passes the contract's pattern; stored, every read model casting it would refuse it.
    const zero = await counties.send('county-songling', 'county.DemocraticReviewTallied', review, 5, tally('0000-12-08'));
    const next = await counties.send('county-songling', 'county.DemocraticReviewTallied', review, 6, tally('2010-12-08'));
    expect(await counties.replyTo(zero)).toMatchObject({
      outcome: 'refused',
      code: 'DAY.INVALID',
      reason: expect.stringContaining('heldOn'),
    });
    expect(await counties.replyTo(next)).toMatchObject({ outcome: 'applied', result: { memberId: member, year: '2010', version: '2' } });
    const events = await store.readStream(`review-${member}-2010`);
    expect(events.map((e) => [e.type, (e.data as { heldOn?: string }).heldOn])).toEqual([
      ['evaluation.SelfAssessmentSubmitted', undefined],
      ['evaluation.PeerBallotsTallied', '2010-12-08'],
    ]);
  });

  it('refuses a mass-evaluation count held on a day no calendar has DAY.INVALID naming heldOn, stores nothing for it, and records the one sent right after it', async () => {
    const count = (heldOn: string) => ({
      orgId: HONGSHI,
      memberId: null,
      period: '2010',
      heldOn,
      ballotsIssued: 60,
      ballotsReturned: 60,
      votes: { satisfied: 54, basically_satisfied: 6, dissatisfied: 0 },
    });
    const subject = `mass-evaluation-${HONGSHI}`;
    const zero = await counties.send('county-songling', 'county.MassEvaluationTallied', subject, 2, count('0000-12-05'));
    const next = await counties.send('county-songling', 'county.MassEvaluationTallied', subject, 3, count('2010-12-05'));
    expect(await counties.replyTo(zero)).toMatchObject({
      outcome: 'refused',
      code: 'DAY.INVALID',
      reason: expect.stringContaining('heldOn'),
    });
    expect(await counties.replyTo(next)).toMatchObject({
      outcome: 'applied',
      result: { subjectId: HONGSHI, period: '2010', version: '1' },
    });
    const events = await store.readStream(`mass-tally-${HONGSHI}-2010`);
    expect(events.map((e) => [e.type, (e.data as { heldOn: string }).heldOn])).toEqual([
      ['evaluation.MassEvaluationTallyRecorded', '2010-12-05'],
    ]);
  });
});

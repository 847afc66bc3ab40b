// The province dataset of bench/reporting/run.ts: the synthetic province the seed builds
// (示范省, 11 cities, up to 170 counties, ≈ 885 organisations each; the demo region keeps its
// demo ids, so the realm's tokens work) as organization's state events, a sample of member
// states, and a mix of evaluation and assistance events spread over its branches through the
// current year. Every envelope is a real contract event (built by the reporting specs' own
// helpers, which parse the data against its contract); pledges carry their whole history, so
// events reporting does not count (published, progress, rated) travel the topics too.
import { randomUUID } from 'node:crypto';
import {
  AssistanceVisitLogged,
  FundsDisbursed,
  LeaderCommentMade,
  MassEvaluationClosed,
  RectificationCompleted,
  ReviewApproved,
  evaluationContracts,
  type EventEnvelope,
} from '@vanguard/contracts';
import { DEMO_REGION, type SeedOrganization } from '../../services/organization/src/infrastructure/seed/demo-region';
import {
  SONGLING,
  countyOrganizations,
  mulberry32,
  provincePlan,
} from '../../services/organization/src/infrastructure/seed/synthetic-region';
import { pledgeHistory } from '../../services/evaluation/test/support/pledge-histories';
import {
  TOPICS,
  deedDone,
  envelope,
  fieldWork,
  memberState,
  orgState,
  type TestOrg,
} from '../../services/reporting/test/support/reporting-events';

export interface Published {
  readonly topic: string;
  readonly event: EventEnvelope;
}

/** The province's organisations, parents first, each with its path; at most `counties` counties (松岭旗 first). */
export function provinceTree(counties: number): TestOrg[] {
  const plan = provincePlan();
  const chosen = [SONGLING, ...plan.counties.filter((c) => c.code !== SONGLING.code)].slice(0, counties);
  const all: SeedOrganization[] = [...DEMO_REGION, ...plan.cities, ...chosen.flatMap((c) => countyOrganizations(c))];
  const byCode = new Map<string, TestOrg>();
  for (const o of all) {
    if (byCode.has(o.code)) continue; // the demo region's own rows come first
    const parent = o.parentCode ? byCode.get(o.parentCode) : undefined;
    if (o.parentCode && !parent) continue; // a demo county not among the chosen counties' parents
    byCode.set(o.code, {
      id: o.id,
      parentId: parent?.id ?? null,
      path: [...(parent?.path ?? []), o.id],
      code: o.code,
      name: o.name,
      level: o.level,
    });
  }
  return [...byCode.values()];
}

/** Organisation states (one contact point each, as the county seed has) and `members` member states over the branches. */
export function* rosterEvents(tree: readonly TestOrg[], members: number): Generator<Published> {
  for (const o of tree) yield { topic: TOPICS.orgState, event: orgState(o, 1, { contactPoints: 1 }) };
  const branches = tree.filter((o) => o.level === 'village');
  for (let i = 0; i < members; i++) yield { topic: TOPICS.memberState, event: memberState(branches[i % branches.length]!.id) };
}

const decision = (orgId: string) => ({
  decidedBy: { sub: 'bench', role: 'organizer', orgId },
  inputs: [],
  rule: { id: 'bench.rule', version: 1 },
  reason: '',
});
const PLEDGE_CONTRACTS = new Map(evaluationContracts.map((c) => [c.type, c]));

/** What the generator produced, to check the projection's figures against. */
export interface Expected {
  events: number;
  pledgesMade: number;
  deeds: number;
  households: number;
  reviews: number;
}

/**
 * At least `events` counted-topic events over the branches of `tree`, occurring between
 * 1 January of `year` (China time) and `until`. Deterministic apart from the uuids.
 */
export function* activityEvents(
  tree: readonly TestOrg[],
  events: number,
  year: number,
  until: Date,
  expected: Expected,
): Generator<Published> {
  const rnd = mulberry32(16);
  const branches = tree.filter((o) => o.level === 'village');
  const from = Date.UTC(year, 0, 1) - 8 * 3600_000;
  const span = Math.max(3600_000, until.getTime() - from);
  const at = () => new Date(from + Math.floor(rnd() * span)).toISOString();
  const timed = (e: EventEnvelope, occurredAt = at()): EventEnvelope => ({ ...e, occurredAt, recordedAt: occurredAt });
  const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
  const out: Published[] = [];
  const emit = (topic: string, e: EventEnvelope) => out.push({ topic, event: e });
  while (expected.events < events) {
    const org = branches[Math.floor(rnd() * branches.length)]!.id;
    const r = rnd();
    if (r < 0.4) {
      // A pledge's life, in stream order, a few days apart.
      const history = pledgeHistory(rnd, { orgId: org, campaignId: randomUUID(), cycleId: randomUUID() });
      let t = Date.parse(at());
      history.forEach((h, i) => {
        const occurredAt = new Date(Math.min(t, until.getTime())).toISOString();
        t += 3 * 86_400_000;
        const c = PLEDGE_CONTRACTS.get(h.type)!;
        const id = h.data.pledgeId;
        emit(TOPICS.evaluation, timed(envelope(c, `pledge-${id}`, h.data, { orgId: org, streamVersion: i + 1 }), occurredAt));
        if (h.type === 'evaluation.PledgeMade') expected.pledgesMade++;
      });
    } else if (r < 0.5) {
      const commentId = randomUUID();
      const made = at();
      const findings = Array.from({ length: Math.floor(rnd() * 4) }, () => ({
        findingId: randomUUID(),
        problem: '群众反映的问题解决不及时',
        rectification: '建立台账，限期解决',
        deadline: `${year}-12-31`,
      }));
      const data = {
        commentId,
        orgId: org,
        cycleId: null,
        form: 'on_site',
        madeOn: day(made),
        summary: '现场点评',
        findings,
        decision: decision(org),
      };
      emit(TOPICS.evaluation, timed(envelope(LeaderCommentMade, `comment-${commentId}`, data, { orgId: org }), made));
      findings.forEach((f, i) => {
        if (rnd() < 0.5) return;
        const done = { commentId, findingId: f.findingId, completedOn: day(made), onTime: rnd() < 0.85, decision: decision(org) };
        emit(
          TOPICS.evaluation,
          timed(envelope(RectificationCompleted, `comment-${commentId}`, done, { orgId: org, streamVersion: i + 2 }), made),
        );
      });
    } else if (r < 0.55) {
      const windowId = randomUUID();
      const tally = {
        satisfied: 20 + Math.floor(rnd() * 80),
        basicallySatisfied: Math.floor(rnd() * 20),
        dissatisfied: Math.floor(rnd() * 5),
      };
      const ballots = tally.satisfied + tally.basicallySatisfied + tally.dissatisfied;
      const data = {
        windowId,
        tally,
        ballotsCast: ballots,
        satisfactionPermille: Math.floor((1000 * (ballots - tally.dissatisfied)) / ballots),
        decision: decision(org),
      };
      emit(TOPICS.evaluation, timed(envelope(MassEvaluationClosed, `mass-evaluation-${windowId}`, data, { orgId: org, streamVersion: 3 })));
    } else if (r < 0.68) {
      const memberId = randomUUID();
      const grade = rnd() < 0.3 ? 'excellent' : rnd() < 0.95 ? 'qualified' : 'basically_qualified';
      const data = { memberId, year, grade, decision: decision(org) };
      emit(TOPICS.evaluation, timed(envelope(ReviewApproved, `review-${memberId}-${year}`, data, { orgId: org, streamVersion: 4 })));
      expected.reviews++;
    } else if (r < 0.78) {
      const households = 1 + Math.floor(rnd() * 6);
      emit(TOPICS.assistance, timed(deedDone(org, households)));
      expected.deeds++;
      expected.households += households;
    } else if (r < 0.88) {
      const cadreId = randomUUID();
      const visited = at();
      const data = { visitId: randomUUID(), cadreId, orgId: org, visitedOn: day(visited), householdIds: [randomUUID(), randomUUID()] };
      emit(TOPICS.assistance, timed(envelope(AssistanceVisitLogged, `field-diary-${cadreId}`, data, { orgId: org }), visited));
    } else if (r < 0.93) {
      const projectId = randomUUID();
      const on = at();
      const amountFen = 100_00 * (1 + Math.floor(rnd() * 500));
      const data = {
        projectId,
        orgId: org,
        movementId: randomUUID(),
        source: 'fiscal',
        amountFen,
        balanceFen: 0,
        on: day(on),
        purpose: '硬化道路',
      };
      emit(TOPICS.assistance, timed(envelope(FundsDisbursed, `project-${projectId}`, data, { orgId: org, streamVersion: 3 }), on));
    } else if (r < 0.96) {
      emit(TOPICS.evaluation, timed(fieldWork.windowServicesCounted(org)));
    } else if (r < 0.98) {
      emit(TOPICS.evaluation, timed(fieldWork.inspectionLaunched(org, [org])));
      emit(TOPICS.evaluation, timed(fieldWork.inspectionFindingsRecorded(org)));
    } else {
      const classId = randomUUID();
      emit(TOPICS.evaluation, timed(fieldWork.trainingClassOpened(org, classId)));
      emit(TOPICS.evaluation, timed(fieldWork.traineesEnrolled(org, classId, 5 + Math.floor(rnd() * 30))));
    }
    expected.events += out.length;
    yield* out.splice(0);
  }
}

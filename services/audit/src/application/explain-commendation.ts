import type { RecordedEvent } from '@vanguard/event-store';
import { DomainError } from '@vanguard/kernel';
import {
  ALL_POLICIES_PASSED,
  COMMENDATION_DECISION_REPLAYERS,
  commendationStreamsRead,
  isKnownPolicy,
  programmeDecider,
  replayCommendationDecision,
  replayEligibility,
  type AssessmentFact,
  type EligibilityFacts,
  type MassEvaluationFact,
  type ReviewGradeFact,
} from '@vanguard/commendation-domain';
import type { AuditReader } from './audit-reader';
import { AuditRefusal } from './audit-refusal';
import { diffFields } from './field-diff';
import { redact } from './redaction';

type StreamRead = { streamId: string; version: number };
type PolicyResult = { policy: { id: string; version: number }; passed: boolean; inputs: StreamRead[] };

/** What an EligibilityChecked records (contracts: commendation.EligibilityChecked). */
interface RecordedCheck {
  programmeId: string;
  category: never;
  eligible: boolean;
  results: PolicyResult[];
  decision: { inputs: StreamRead[]; rule: { id: string; version: number } };
}

/** Commendation decisions this service can replay: the eligibility check, and every decision the domain's table replays. */
export const COMMENDATION_REPLAYERS: ReadonlySet<string> = new Set([
  'commendation.EligibilityChecked',
  ...Object.keys(COMMENDATION_DECISION_REPLAYERS),
]);

/**
 * Replays any other commendation decision with the domain's own replayer (the code the service
 * decides with): the decision's stream up to its version, each commendation stream it read
 * (programme, places, notice, objection — a decided commendation's found objections too —,
 * nomination) read from the store at the version it recorded, and — for a submission or an
 * amendment — the eligibility facts folded from evaluation's store at the versions its check
 * recorded. Organisation paths and levels come from the decision's `orgPaths` (ADR 0080); a
 * decision recorded before it recorded them, or its objections, replays on what the record
 * implies and names that in `assumed`.
 */
export async function explainCommendationDecision(reader: AuditReader, events: readonly RecordedEvent[], version: number) {
  const stream = events.map((e) => ({ type: e.type, data: e.data }));
  const at = version - 1;
  const reads = new Map<string, { type: string; data: unknown }[]>();
  for (const input of commendationStreamsRead(stream, at)) {
    const read = await reader.stores.commendation.readStream(input.streamId, { maxCount: input.version });
    reads.set(
      `${input.streamId}@${input.version}`,
      read.map((e) => ({ type: e.type, data: e.data })),
    );
  }
  // A submission or amendment ran its eligibility check in the same command: the facts that check read.
  const check = stream[at - 1]?.type === 'commendation.EligibilityChecked' ? (stream[at - 1]!.data as RecordedCheck) : null;
  const eligibility = check ? await factsFromInputs(reader, check.decision.inputs) : null;
  let replay;
  try {
    replay = replayCommendationDecision(stream, at, {
      read: (input) => reads.get(`${input.streamId}@${input.version}`) ?? [],
      ...(eligibility ? { eligibility: eligibility.facts } : {}),
    });
  } catch (e) {
    if (e instanceof DomainError) throw AuditRefusal.notReplayable(e.code, e.message);
    throw e;
  }
  const recorded = redact(replay.recorded);
  const replayed = redact(replay.replayed);
  return {
    ruleVersionsRun: replay.ruleVersions,
    streamsRead: [...reads.keys()],
    missingInputs: eligibility?.missingInputs ?? [],
    assumed: replay.assumed,
    reproduced: replay.matches,
    refusal: replay.refusal,
    differences: replay.matches ? [] : diffFields(recorded, replayed),
    recorded,
    replayed,
  };
}

/**
 * Replays a recorded eligibility check (ADR 0036/0037) the way its domain says an auditor must
 * (`replayEligibility`): the programme folded at the version the check recorded reading gives
 * the years; each recorded evaluation input, folded from evaluation's own store at its recorded
 * version, gives the facts; the recorded policy versions run on them. An input the evaluation
 * store does not hold at that version is named (`missingInputs`): the check relied on something
 * the source of record never said.
 */
export async function explainEligibilityCheck(reader: AuditReader, event: RecordedEvent) {
  const data = event.data as RecordedCheck;
  const unknown = data.results.map((r) => r.policy).filter((p) => !isKnownPolicy(p));
  if (unknown.length > 0)
    throw AuditRefusal.notReplayable('AUDIT.NO_REPLAYER', `未知的资格政策版本 / unknown policy versions: ${JSON.stringify(unknown)}`);
  const programmeRead = data.decision.inputs.find((i) => i.streamId === `award-programme-${data.programmeId}`);
  const programme = await reader.stores.commendation.asOf(
    `award-programme-${data.programmeId}`,
    programmeDecider as never,
    programmeRead ? { version: programmeRead.version } : { recordedAt: event.recordedAt },
  );
  const years = (programme.state as { years: readonly number[] }).years;
  const { facts, missingInputs } = await factsFromInputs(reader, data.decision.inputs);
  const outcome = replayEligibility({ category: data.category, results: data.results }, years, facts);
  const refusedBy = outcome.results.find((r) => !r.passed)?.policy ?? ALL_POLICIES_PASSED;
  const recorded = redact({ eligible: data.eligible, results: data.results, rule: data.decision.rule });
  const replayed = redact({ eligible: outcome.eligible, results: outcome.results, rule: refusedBy });
  const differences = diffFields(recorded, replayed);
  return {
    ruleVersionsRun: data.results.map((r) => r.policy),
    programme: { streamId: `award-programme-${data.programmeId}`, version: programme.version, years },
    missingInputs,
    reproduced: differences.length === 0,
    refusal: null,
    differences,
    recorded,
    replayed,
  };
}

/** The facts the policies read, folded from evaluation's store at each recorded input's version. */
async function factsFromInputs(reader: AuditReader, inputs: readonly StreamRead[]) {
  const reviews: ReviewGradeFact[] = [];
  const assessments: AssessmentFact[] = [];
  const massEvaluations: MassEvaluationFact[] = [];
  const missingInputs: (StreamRead & { head: number })[] = [];
  for (const input of inputs) {
    const prefix = ['review-', 'assessment-', 'mass-evaluation-'].find((p) => input.streamId.startsWith(p));
    if (!prefix) continue; // the nomination itself, the programme, organisation paths: not facts
    const events = await reader.stores.evaluation.readStream(input.streamId, { maxCount: input.version });
    if (events.length < input.version) {
      missingInputs.push({ ...input, head: events.length });
      continue;
    }
    const f = factsOfStream(events);
    reviews.push(...f.reviews);
    assessments.push(...f.assessments);
    massEvaluations.push(...f.massEvaluations);
  }
  const facts: EligibilityFacts = { reviews, assessments, massEvaluations };
  return { facts, missingInputs };
}

/** The eligibility facts one evaluation stream, read up to a version, gives (by its category). */
export function factsOfStream(events: readonly RecordedEvent[]): EligibilityFacts {
  const id = events[0]?.streamId ?? '';
  return {
    reviews: id.startsWith('review-') ? reviewFacts(events) : [],
    assessments: id.startsWith('assessment-') ? assessmentFacts(events) : [],
    massEvaluations: id.startsWith('mass-evaluation-') ? massFacts(events) : [],
  };
}

// As commendation's projection of evaluation's public events keeps them (one fact per key, the
// latest version of its stream that set it): the same facts the check read, if nothing changed.

function reviewFacts(events: readonly RecordedEvent[]): ReviewGradeFact[] {
  const approved = events.filter((e) => e.type === 'evaluation.ReviewApproved').at(-1);
  if (!approved) return [];
  const d = approved.data as { year: number; grade: ReviewGradeFact['grade'] };
  return [{ year: d.year, grade: d.grade, streamId: approved.streamId, version: approved.streamVersion }];
}

function assessmentFacts(events: readonly RecordedEvent[]): AssessmentFact[] {
  const byYear = new Map<number, AssessmentFact>();
  for (const e of events) {
    if (e.type !== 'evaluation.OrganizationAssessed') continue;
    const d = e.data as { period: string; tier: AssessmentFact['tier']; starRating: number };
    const year = Number(d.period);
    byYear.set(year, { period: String(year), tier: d.tier, starRating: d.starRating, streamId: e.streamId, version: e.streamVersion });
  }
  return [...byYear.values()];
}

function massFacts(events: readonly RecordedEvent[]): MassEvaluationFact[] {
  const opened = events.find((e) => e.type === 'evaluation.MassEvaluationOpened');
  const closed = events.filter((e) => e.type === 'evaluation.MassEvaluationClosed').at(-1);
  if (!opened || !closed) return [];
  const year = Number((opened.data as { opensOn: string }).opensOn.slice(0, 4));
  const { satisfactionPermille } = closed.data as { satisfactionPermille: number | null };
  return [{ year, satisfactionPermille, streamId: closed.streamId, version: closed.streamVersion }];
}

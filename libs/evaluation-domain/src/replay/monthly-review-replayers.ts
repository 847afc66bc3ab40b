import type { Decision } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import { commentDecider } from '../comment/comment.decide';
import type { CommentEvent } from '../comment/comment.events';
import type { RecordMonthlyReviewFindings } from '../comment/monthly-review-findings';
import { campaignCyclesFold, cycleOfMonth } from '../monthly-review/campaign-cycles';
import type {
  ConcludeMonthlyReview,
  DesignateZone,
  OpenMonthlyReview,
  RecordMonthlyReviewScores,
} from '../monthly-review/monthly-review.commands';
import { monthlyReviewDecider, zoneDecider } from '../monthly-review/monthly-review.decide';
import type { MonthlyReviewEvent, ZoneEvent } from '../monthly-review/monthly-review.events';
import { pathFromInputs, type OrgPath } from '../org-path';
import { foldRead, MissingReplayFactError, replayer, type Data, type DecisionReplayer, type StreamRead } from './replayer';

/** The first recorded input of a prefix: the zone, campaign or round stream the decision read. */
function inputOf(decision: Decision, prefix: string): StreamRead {
  const input = decision.inputs.find((i) => i.streamId.startsWith(prefix));
  if (!input) throw new MissingReplayFactError(`${prefix}…`);
  return input;
}

class NoCycleAtTheVersionReadError extends DomainError {
  constructor(read: StreamRead) {
    super(
      'CAMPAIGN.NO_CYCLE',
      'rule',
      `活动在 ${read.streamId}@${read.version} 尚未安排季度 / the campaign had no cycle at the version read`,
    );
  }
}

/**
 * The campaign root's path a round's findings were checked against: the part of the unit's recorded
 * path down to the root the round's opening recorded (the service read both paths from one tree
 * copy), or, for a unit no longer below that root, the root's path as the opening recorded it.
 */
function rootPathOfFindings(unitPath: OrgPath, opened: Decision | undefined): OrgPath {
  const openedRoot = opened ? pathFromInputs(opened.inputs) : [];
  const rootId = openedRoot.at(-1)?.orgId;
  const at = unitPath.findIndex((n) => n.orgId === rootId);
  return at >= 0 ? unitPath.slice(0, at + 1) : openedRoot;
}

/**
 * Zones and monthly on-site review rounds (ADR 0047), replayed like every other decision (ADR 0064):
 * a round's scores and its ranking re-decided from the round stream at the version the decision
 * recorded reading, with the rubric version the round opened under; its opening and its findings
 * from the zone, campaign and round streams read at their recorded versions (ADR 0067).
 */
export const MONTHLY_REVIEW_REPLAYERS: Readonly<Record<string, DecisionReplayer>> = {
  // The opening (ADR 0067): the zone's leader and units and the campaign's cycle and theme are read
  // again from those streams at the recorded versions, never taken from the opening's own record,
  // so a theme, leader or unit list rewritten in the record shows as a difference.
  'evaluation.MonthlyReviewOpened': replayer({
    decider: monthlyReviewDecider,
    readsOwnStream: false,
    checksPath: true,
    reads: (decision) => [inputOf(decision, 'zone-'), inputOf(decision, 'campaign-')],
    command: (data: Data<MonthlyReviewEvent, 'evaluation.MonthlyReviewOpened'>, ctx): OpenMonthlyReview => {
      const zoneRead = inputOf(ctx.decision, 'zone-');
      const campaignRead = inputOf(ctx.decision, 'campaign-');
      const { state: zone } = foldRead(ctx, zoneRead, zoneDecider);
      if (!zone.zone) throw new MissingReplayFactError(`${zoneRead.streamId}@${zoneRead.version}`);
      const { state: campaign } = foldRead(ctx, campaignRead, campaignCyclesFold);
      const cycle = cycleOfMonth(campaign.cycles, data.month);
      if (!cycle) throw new NoCycleAtTheVersionReadError(campaignRead);
      return {
        type: 'OpenMonthlyReview',
        data: {
          roundId: data.roundId,
          month: data.month,
          openedOn: data.openedOn,
          zone: {
            zoneId: zone.zone.zoneId,
            campaignId: zone.zone.campaignId,
            leader: zone.zone.leader,
            units: zone.zone.units,
            version: zoneRead.version,
            rootPath: ctx.path,
          },
          cycle: { ...cycle, campaignVersion: campaignRead.version },
          rubricVersion: data.rubric.version,
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
          ruleVersions: ctx.ruleVersions,
        },
      };
    },
  }),
  // Findings at a unit (ADR 0067): the round's leader and units read again from the round stream at
  // the recorded version; the unit is the one whose path was recorded, not the record's `orgId`.
  'evaluation.MonthlyReviewFindingsRecorded': replayer({
    decider: commentDecider,
    readsOwnStream: false,
    checksPath: true,
    reads: (decision) => [inputOf(decision, 'monthly-review-')],
    command: (data: Data<CommentEvent, 'evaluation.MonthlyReviewFindingsRecorded'>, ctx): RecordMonthlyReviewFindings => {
      const roundRead = inputOf(ctx.decision, 'monthly-review-');
      const { state, events } = foldRead(ctx, roundRead, monthlyReviewDecider);
      const round = state.round;
      if (!round) throw new MissingReplayFactError(`${roundRead.streamId}@${roundRead.version}`);
      const first = events[0];
      const opened = first?.type === 'evaluation.MonthlyReviewOpened' ? first.data.decision : undefined;
      return {
        type: 'RecordMonthlyReviewFindings',
        data: {
          commentId: data.commentId,
          orgId: ctx.path.at(-1)?.orgId ?? data.orgId,
          recordedOn: data.recordedOn,
          summary: data.summary,
          findings: data.findings,
          round: {
            roundId: round.roundId,
            leader: round.leader,
            units: round.units,
            version: roundRead.version,
            rootPath: rootPathOfFindings(ctx.path, opened),
          },
          orgPath: ctx.path,
          decidedBy: ctx.decision.decidedBy,
          reason: ctx.decision.reason,
        },
      };
    },
  }),
  // The units are what the organizer named; the units-in-campaign check is recorded only as passed
  // (the decision records the campaign's path, not the tree copy's subtree then), so it replays as passed.
  'evaluation.ZoneDesignated': replayer({
    decider: zoneDecider,
    readsOwnStream: false,
    checksPath: true,
    command: (data: Data<ZoneEvent, 'evaluation.ZoneDesignated'>, { decision, path }): DesignateZone => ({
      type: 'DesignateZone',
      data: {
        zoneId: data.zoneId,
        name: data.name,
        leader: data.leader,
        units: data.units,
        designatedOn: data.designatedOn,
        campaign: { campaignId: data.campaignId, version: decision.inputs[0]!.version, rootPath: path },
        unitsOutside: [],
        unitsZoned: [],
        decidedBy: decision.decidedBy,
        reason: decision.reason,
      },
    }),
  }),
  // One scorer's batch: who may score and whether the points fit the rubric the round opened under.
  'evaluation.MonthlyReviewScoresRecorded': replayer({
    decider: monthlyReviewDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: Data<MonthlyReviewEvent, 'evaluation.MonthlyReviewScoresRecorded'>, { decision, path }): RecordMonthlyReviewScores => ({
      type: 'RecordMonthlyReviewScores',
      data: { scoredOn: data.scoredOn, scores: data.scores, rootPath: path, decidedBy: decision.decidedBy, reason: decision.reason },
    }),
  }),
  // The ranking: every recorded batch folded up to the version read, weighted by the recorded rubric.
  'evaluation.MonthlyReviewConcluded': replayer({
    decider: monthlyReviewDecider,
    readsOwnStream: true,
    checksPath: true,
    command: (data: Data<MonthlyReviewEvent, 'evaluation.MonthlyReviewConcluded'>, { decision, path }): ConcludeMonthlyReview => ({
      type: 'ConcludeMonthlyReview',
      data: { concludedOn: data.concludedOn, rootPath: path, decidedBy: decision.decidedBy, reason: decision.reason },
    }),
  }),
};

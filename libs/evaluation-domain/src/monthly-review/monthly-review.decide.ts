import { PeriodHasBegunRule } from '../period-begun.rule';
import { ruleRanFor } from '../rules-recorded-later';
import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs } from '../org-path';
import type {
  ConcludeMonthlyReview,
  DesignateZone,
  MonthlyReviewCommand,
  OpenMonthlyReview,
  RecordMonthlyReviewScores,
  ZoneCommand,
} from './monthly-review.commands';
import type { MonthlyReviewEvent, ZoneEvent } from './monthly-review.events';
import {
  MonthLiesInTheCycleRule,
  MonthlyReviewHasScoresRule,
  MonthlyReviewIsOpenedOnceRule,
  MonthlyReviewIsOpenRule,
  PointsFitTheRubricRule,
  ReviewedByTheZoneLeaderOrAnOrganizerAboveRule,
  RubricVersionExistsRule,
  ScoredUnitsAreInTheRoundRule,
  UnitIsScoredOnceInABatchRule,
  ZoneIsDesignatedByAnOrganizerOverTheCampaignRule,
  ZoneHoldsAtMostTheContractsUnitsRule,
  ZoneIsDesignatedOnceRule,
  ZoneUnitsAreInNoOtherZoneRule,
  ZoneUnitsAreInTheCampaignRule,
} from './monthly-review.rules';
import {
  evolveMonthlyReview,
  evolveZone,
  initialMonthlyReviewState,
  initialZoneState,
  type MonthlyReviewState,
  type ZoneState,
} from './monthly-review.state';
import { MONTHLY_REVIEW_RUBRICS, rankUnits, unitScorePermille } from './rubrics';

export const monthlyReviewStream = (roundId: string) => `monthly-review-${roundId}`;

export function designateZone({ data }: DesignateZone, state: ZoneState): ZoneEvent[] {
  checkRule(new ZoneIsDesignatedOnceRule(state));
  const right = new ZoneIsDesignatedByAnOrganizerOverTheCampaignRule(data.decidedBy, data.campaign.rootPath);
  checkRule(right);
  const inCampaign = new ZoneUnitsAreInTheCampaignRule(data.units, data.unitsOutside);
  checkRule(inCampaign);
  // Not among the decision's checks: a zone over the limit was never recorded, so no replay meets it.
  checkRule(new ZoneHoldsAtMostTheContractsUnitsRule(data.units));
  // Nor this one: it reads other zones' streams, not this decision's inputs, and designations
  // recorded before it existed must replay to the very events they recorded.
  checkRule(new ZoneUnitsAreInNoOtherZoneRule(data.unitsZoned));
  return [
    {
      type: 'evaluation.ZoneDesignated',
      data: {
        zoneId: data.zoneId,
        campaignId: data.campaign.campaignId,
        name: data.name,
        leader: data.leader,
        units: [...data.units],
        designatedOn: data.designatedOn,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: `campaign-${data.campaign.campaignId}`, version: data.campaign.version },
            ...pathInputs(data.campaign.rootPath),
          ],
          rule: ruleRef(right),
          checks: [ruleRef(inCampaign)],
          reason: data.reason,
        },
      },
    },
  ];
}

export function openMonthlyReview({ data }: OpenMonthlyReview, state: MonthlyReviewState): MonthlyReviewEvent[] {
  const right = new ReviewedByTheZoneLeaderOrAnOrganizerAboveRule(data.decidedBy, data.zone.leader, data.zone.rootPath);
  checkRule(right);
  const inCycle = new MonthLiesInTheCycleRule(data.month, data.cycle);
  checkRule(inCycle);
  // Shipped after rounds were opened: a replay runs it only for an opening that recorded it.
  const begun = ruleRanFor(PeriodHasBegunRule.ID, data.ruleVersions) ? new PeriodHasBegunRule(data.month, data.openedOn) : null;
  if (begun) checkRule(begun);
  checkRule(new RubricVersionExistsRule(data.rubricVersion));
  // Last: the round's id is the zone's month (roundIdOf), so only a caller entitled to open it, with
  // a valid request, learns that it is open already.
  checkRule(new MonthlyReviewIsOpenedOnceRule(state));
  const rubric = MONTHLY_REVIEW_RUBRICS[data.rubricVersion]!;
  return [
    {
      type: 'evaluation.MonthlyReviewOpened',
      data: {
        roundId: data.roundId,
        zoneId: data.zone.zoneId,
        campaignId: data.zone.campaignId,
        cycleId: data.cycle.cycleId,
        month: data.month,
        theme: data.cycle.theme,
        rubric: { id: rubric.id, version: rubric.version, criteria: [...rubric.criteria] },
        leader: data.zone.leader,
        units: [...data.zone.units],
        openedOn: data.openedOn,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [
            { streamId: `zone-${data.zone.zoneId}`, version: data.zone.version },
            { streamId: `campaign-${data.zone.campaignId}`, version: data.cycle.campaignVersion },
            ...pathInputs(data.zone.rootPath),
          ],
          rule: ruleRef(right),
          checks: [ruleRef(inCycle), ...(begun ? [ruleRef(begun)] : [])],
          reason: data.reason,
        },
      },
    },
  ];
}

export function recordMonthlyReviewScores({ data }: RecordMonthlyReviewScores, state: MonthlyReviewState): MonthlyReviewEvent[] {
  checkRule(new MonthlyReviewIsOpenRule(state));
  const round = state.round!;
  const right = new ReviewedByTheZoneLeaderOrAnOrganizerAboveRule(data.decidedBy, round.leader, data.rootPath);
  checkRule(right);
  checkRule(new UnitIsScoredOnceInABatchRule(data.scores.map((s) => s.orgId)));
  const inRound = new ScoredUnitsAreInTheRoundRule(
    new Set(round.units),
    data.scores.map((s) => s.orgId),
  );
  checkRule(inRound);
  const rubric = MONTHLY_REVIEW_RUBRICS[round.rubric.version]!;
  const fit = new PointsFitTheRubricRule(
    rubric,
    data.scores.map((s) => s.points),
  );
  checkRule(fit);
  return [
    {
      type: 'evaluation.MonthlyReviewScoresRecorded',
      data: {
        roundId: round.roundId,
        scoredOn: data.scoredOn,
        scores: data.scores.map((s) => ({ orgId: s.orgId, points: [...s.points] })),
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: monthlyReviewStream(round.roundId), version: state.version }, ...pathInputs(data.rootPath)],
          rule: ruleRef(right),
          checks: [ruleRef(inRound), ruleRef(fit)],
          reason: data.reason,
        },
      },
    },
  ];
}

/**
 * 排名: each scored unit's weighted score by the rubric version the round opened under — never the one
 * in force — ranked within the zone; the round's own version read is the provenance of every score.
 */
export function concludeMonthlyReview({ data }: ConcludeMonthlyReview, state: MonthlyReviewState): MonthlyReviewEvent[] {
  checkRule(new MonthlyReviewIsOpenRule(state));
  const round = state.round!;
  const right = new ReviewedByTheZoneLeaderOrAnOrganizerAboveRule(data.decidedBy, round.leader, data.rootPath);
  checkRule(right);
  checkRule(new MonthlyReviewHasScoresRule(state));
  const rubric = MONTHLY_REVIEW_RUBRICS[round.rubric.version]!;
  const scored = [...state.points].map(([orgId, byScorer]) => ({
    orgId,
    scorePermille: unitScorePermille(rubric, [...byScorer.values()]),
    scorers: byScorer.size,
  }));
  return [
    {
      type: 'evaluation.MonthlyReviewConcluded',
      data: {
        roundId: round.roundId,
        zoneId: round.zoneId,
        month: round.month,
        concludedOn: data.concludedOn,
        results: rankUnits(scored),
        unscored: round.units.filter((u) => !state.points.has(u)),
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: monthlyReviewStream(round.roundId), version: state.version }, ...pathInputs(data.rootPath)],
          rule: { id: rubric.id, version: rubric.version },
          checks: [ruleRef(right)],
          reason: data.reason,
        },
      },
    },
  ];
}

/** 划分片区: one stream per zone, its designation. */
export const zoneDecider: Decider<ZoneCommand, ZoneState, ZoneEvent> = {
  initialState: initialZoneState,
  evolve: evolveZone,
  decide: (command, state) => designateZone(command, state),
};

/** 月度观摩点评: one stream per round — opened, scored in batches, concluded with the zone's ranking. */
export const monthlyReviewDecider: Decider<MonthlyReviewCommand, MonthlyReviewState, MonthlyReviewEvent> = {
  initialState: initialMonthlyReviewState,
  evolve: evolveMonthlyReview,
  decide(command, state) {
    switch (command.type) {
      case 'OpenMonthlyReview':
        return openMonthlyReview(command, state);
      case 'RecordMonthlyReviewScores':
        return recordMonthlyReviewScores(command, state);
      case 'ConcludeMonthlyReview':
        return concludeMonthlyReview(command, state);
    }
  },
};

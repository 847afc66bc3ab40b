import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { idsOf, type OrgPath } from '../org-path';
import { MONTHLY_REVIEW_RUBRICS, type MonthlyReviewRubric } from './rubrics';
import type { MonthlyReviewState, ZoneState } from './monthly-review.state';

/** Organisation departments divide a campaign into zones and may act in any zone of it. */
const ORGANIZER_ROLES: readonly string[] = ['admin', 'organizer'];
const organizerOver = (by: DecidedBy, rootPath: OrgPath) => ORGANIZER_ROLES.includes(by.role) && idsOf(rootPath).includes(by.orgId);

export class ZoneIsDesignatedOnceRule extends Rule {
  readonly id = 'evaluation.zone.designated-once';
  readonly code = 'ZONE.ALREADY_DESIGNATED';
  readonly kind = 'conflict';
  readonly message = '该片区已划定 / this zone is designated already';
  constructor(private readonly state: ZoneState) {
    super();
  }
  isBroken(): boolean {
    return this.state.zone !== null;
  }
}

/** 划分片区 is the campaign's organisers' work: an organizer (or admin) of the campaign's root or above. */
export class ZoneIsDesignatedByAnOrganizerOverTheCampaignRule extends Rule {
  readonly id = 'evaluation.zone.designated-by-organizer';
  readonly code = 'ZONE.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message =
    '只有活动所在组织或其上级的组织部门可以划分片区 / only an organizer of the campaign’s organisation or above designates zones';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly rootPath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return !organizerOver(this.decidedBy, this.rootPath);
  }
}

/** A zone's units lie in the campaign's subtree, each named once. */
export class ZoneUnitsAreInTheCampaignRule extends Rule {
  readonly id = 'evaluation.zone.units-in-campaign';
  readonly code = 'ZONE.UNIT_OUT_OF_SCOPE';
  readonly kind = 'rule';
  readonly message = '片区单位须在本次活动范围内且不得重复 / a zone’s units lie in the campaign’s subtree, each once';
  constructor(
    private readonly units: readonly string[],
    private readonly unitsOutside: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.units.length === 0 || this.unitsOutside.length > 0 || new Set(this.units).size !== this.units.length;
  }
}

/**
 * 划分片区 divides a campaign: a unit lies in at most one of its zones, so no unit is reviewed (and
 * ranked) twice a month. The handler reads which of the units named another zone holds, under a
 * lock per campaign, so two designations at once cannot both take a unit.
 */
export class ZoneUnitsAreInNoOtherZoneRule extends Rule {
  readonly id = 'evaluation.zone.units-in-one-zone';
  readonly code = 'ZONE.UNIT_IN_ANOTHER_ZONE';
  readonly kind = 'rule';
  constructor(private readonly unitsZoned: readonly string[]) {
    super();
  }
  get message(): string {
    const named = this.unitsZoned.slice(0, 5).join(', ') + (this.unitsZoned.length > 5 ? ` … (${this.unitsZoned.length})` : '');
    return `单位已划入本次活动的其他片区 / a unit lies in another zone of the campaign already: ${named}`;
  }
  isBroken(): boolean {
    return this.unitsZoned.length > 0;
  }
}

/** The most units a zone holds: the `ZoneDesignated` and `MonthlyReviewOpened` contracts' limit. */
export const ZONE_MAX_UNITS = 5000;

/**
 * A zone holds at most `ZONE_MAX_UNITS` units. Without it a zone of more (named units plus every
 * unit below an organisation) is stored, and the relay then refuses its event and every round's
 * opening as contract violations: a refusal here is the only place the caller hears of it.
 */
export class ZoneHoldsAtMostTheContractsUnitsRule extends Rule {
  readonly id = 'evaluation.zone.units-at-most';
  readonly code = 'ZONE.TOO_MANY_UNITS';
  readonly kind = 'rule';
  readonly message = `一个片区最多 ${ZONE_MAX_UNITS} 个单位 / a zone holds at most ${ZONE_MAX_UNITS} units`;
  constructor(private readonly units: readonly string[]) {
    super();
  }
  isBroken(): boolean {
    return this.units.length > ZONE_MAX_UNITS;
  }
}

/**
 * 片区联系领导负责观摩点评: the zone's guiding leader opens, scores, concludes and records findings of
 * its rounds, or an organizer of the campaign's root or above; nobody else, so no unit scores itself.
 * The one rule for every act on a round (ADR 0047).
 */
export class ReviewedByTheZoneLeaderOrAnOrganizerAboveRule extends Rule {
  readonly id = 'evaluation.monthly-review.by-zone-leader';
  readonly code = 'MONTHLY_REVIEW.NOT_ZONE_LEADER';
  readonly kind = 'forbidden';
  readonly message =
    '只有片区联系领导或上级组织部门可以观摩点评本片区单位 / only the zone’s leader or an organizer above reviews its units';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly leader: string,
    private readonly rootPath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.sub !== this.leader && !organizerOver(this.decidedBy, this.rootPath);
  }
}

export class MonthlyReviewIsOpenedOnceRule extends Rule {
  readonly id = 'evaluation.monthly-review.opened-once';
  readonly code = 'MONTHLY_REVIEW.ALREADY_OPENED';
  readonly kind = 'conflict';
  readonly message = '该轮观摩点评已开始 / this round is opened already';
  constructor(private readonly state: MonthlyReviewState) {
    super();
  }
  isBroken(): boolean {
    return this.state.round !== null;
  }
}

/** 一季一主题: the month reviewed lies in the cycle whose theme it is scored on. */
export class MonthLiesInTheCycleRule extends Rule {
  readonly id = 'evaluation.monthly-review.month-in-cycle';
  readonly code = 'MONTHLY_REVIEW.MONTH_NOT_IN_CYCLE';
  readonly kind = 'rule';
  readonly message = '点评月份须在本季度内 / the month reviewed lies in the quarter whose theme it is scored on';
  constructor(
    private readonly month: string,
    private readonly cycle: { readonly startsOn: string; readonly endsOn: string },
  ) {
    super();
  }
  isBroken(): boolean {
    return this.month < this.cycle.startsOn.slice(0, 7) || this.month > this.cycle.endsOn.slice(0, 7);
  }
}

export class RubricVersionExistsRule extends Rule {
  readonly id = 'evaluation.monthly-review.rubric-known';
  readonly code = 'MONTHLY_REVIEW.RUBRIC_UNKNOWN';
  readonly kind = 'invalid';
  readonly message = '没有该版本的评分细则 / no rubric of that version';
  constructor(private readonly rubricVersion: number) {
    super();
  }
  isBroken(): boolean {
    return !MONTHLY_REVIEW_RUBRICS[this.rubricVersion];
  }
}

/** Scores and conclusions need an opened round that is not concluded yet. */
export class MonthlyReviewIsOpenRule extends Rule {
  readonly id = 'evaluation.monthly-review.open';
  readonly code = 'MONTHLY_REVIEW.NOT_OPEN';
  readonly kind = 'conflict';
  readonly message = '该轮观摩点评未开始或已结束 / the round is not open';
  constructor(private readonly state: MonthlyReviewState) {
    super();
  }
  isBroken(): boolean {
    return this.state.round === null || this.state.concluded !== null;
  }
}

/**
 * A batch names each unit once: a unit twice is a malformed batch, answered as such. Checked before
 * units-in-round, which still refuses it as it always has (so what a score decision records does not
 * change); this rule only tells the scorer which mistake it was.
 */
export class UnitIsScoredOnceInABatchRule extends Rule {
  readonly id = 'evaluation.monthly-review.unit-once-in-batch';
  readonly code = 'MONTHLY_REVIEW.UNIT_SCORED_TWICE';
  readonly kind = 'invalid';
  readonly message = '同一批评分中每个单位只能出现一次 / a batch of scores names each unit once: a unit appears twice';
  constructor(private readonly units: readonly string[]) {
    super();
  }
  isBroken(): boolean {
    return new Set(this.units).size !== this.units.length;
  }
}

/** Every unit scored is one of the round's (the zone's at opening), each once in a batch. */
export class ScoredUnitsAreInTheRoundRule extends Rule {
  readonly id = 'evaluation.monthly-review.units-in-round';
  readonly code = 'MONTHLY_REVIEW.UNIT_NOT_IN_ROUND';
  readonly kind = 'rule';
  readonly message = '只能为本轮片区内的单位评分或记录问题 / only the round’s units are scored or have findings';
  constructor(
    private readonly roundUnits: ReadonlySet<string>,
    private readonly units: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.units.some((u) => !this.roundUnits.has(u)) || new Set(this.units).size !== this.units.length;
  }
}

/** One figure per criterion, in the rubric's order, none above the criterion's maximum. */
export class PointsFitTheRubricRule extends Rule {
  readonly id = 'evaluation.monthly-review.points-fit-rubric';
  readonly code = 'MONTHLY_REVIEW.POINTS_OFF_RUBRIC';
  readonly kind = 'invalid';
  readonly message = '评分须逐项填写且不超过该项满分 / one figure per criterion, none above its maximum';
  constructor(
    private readonly rubric: MonthlyReviewRubric,
    private readonly points: readonly (readonly number[])[],
  ) {
    super();
  }
  isBroken(): boolean {
    const { criteria } = this.rubric;
    return this.points.some(
      (p) => p.length !== criteria.length || p.some((x, i) => !Number.isInteger(x) || x < 0 || x > criteria[i]!.maxPoints),
    );
  }
}

export class MonthlyReviewHasScoresRule extends Rule {
  readonly id = 'evaluation.monthly-review.has-scores';
  readonly code = 'MONTHLY_REVIEW.NO_SCORES';
  readonly kind = 'rule';
  readonly message = '尚无评分，不能结束本轮点评 / a round with no scores is not concluded';
  constructor(private readonly state: MonthlyReviewState) {
    super();
  }
  isBroken(): boolean {
    return this.state.points.size === 0;
  }
}

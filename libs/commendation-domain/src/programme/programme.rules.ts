import type { AwardCategory, AwardLevel, OrgLevel, ReviewLevel } from '@vanguard/contracts';
import { Rule, type DomainErrorKind, type RuleRef } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { isKnownPolicy } from '../eligibility/eligibility';
import { AWARDING_ROLES, hasRole } from '../roles';
import type { ProgrammeState, ProgrammeTimeline } from './programme.state';

/** The levels a nomination climbs, lowest first (层层推荐). */
export const REVIEW_LEVELS: readonly ReviewLevel[] = ['township', 'county', 'city', 'province'];

/** The reviewing levels of a programme awarded at `level`: every level from the township up to it. */
export const reviewLevelsUpTo = (level: AwardLevel): ReviewLevel[] => REVIEW_LEVELS.slice(0, REVIEW_LEVELS.indexOf(level) + 1);

export class ProgrammeIsLaunchedOnceRule extends Rule {
  readonly id = 'commendation.programme.launched-once';
  readonly code = 'PROGRAMME.ALREADY_LAUNCHED';
  readonly kind = 'conflict';
  readonly message = '该表彰已部署 / this programme was launched already';
  constructor(private readonly state: ProgrammeState) {
    super();
  }
  isBroken(): boolean {
    return this.state.status !== 'none';
  }
}

export class ProgrammeIsLaunchedRule extends Rule {
  readonly id = 'commendation.programme.launched';
  readonly code = 'PROGRAMME.NOT_FOUND';
  readonly kind = 'not_found';
  readonly message = '没有这项表彰 / no such programme';
  constructor(private readonly state: ProgrammeState) {
    super();
  }
  isBroken(): boolean {
    return this.state.status !== 'launched';
  }
}

/** The awarding body's own organiser (or admin) launches its programme and allocates its places. */
export class AwardingBodyActsForItsProgrammeRule extends Rule {
  readonly id = 'commendation.programme.awarding-body-acts';
  readonly code = 'PROGRAMME.NOT_AWARDING_BODY';
  readonly kind = 'forbidden';
  readonly message =
    '只有表彰机关的组织部门可以部署表彰和分配名额 / only the awarding body’s organisers launch a programme and allocate its places';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly awardingOrgId: string | null,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.orgId !== this.awardingOrgId || !hasRole(AWARDING_ROLES, this.decidedBy.role);
  }
}

/** A county awards at county level, a city at city level, a province at province level. */
export class ProgrammeLevelIsTheAwardingBodysLevelRule extends Rule {
  readonly id = 'commendation.programme.level-of-awarding-body';
  readonly code = 'PROGRAMME.LEVEL_MISMATCH';
  readonly kind = 'rule';
  readonly message = '表彰层级须与表彰机关的层级一致 / the programme’s level must be the awarding body’s level';
  constructor(
    private readonly level: AwardLevel,
    private readonly awardingOrgLevel: OrgLevel,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.level !== this.awardingOrgLevel;
  }
}

/** 先进县(市、区)委 is awarded from above a county (seed 001: 省委专项表彰); no category twice. */
export class CategoriesFitTheLevelRule extends Rule {
  readonly id = 'commendation.programme.categories-fit-level';
  readonly code = 'PROGRAMME.CATEGORY_NOT_AT_LEVEL';
  readonly kind = 'rule';
  readonly message =
    '先进县(市、区)委只能由市级以上表彰，且类别不得重复 / advanced county committees are commended from city level up, and no category is listed twice';
  constructor(
    private readonly level: AwardLevel,
    private readonly categories: readonly AwardCategory[],
  ) {
    super();
  }
  isBroken(): boolean {
    const twice = new Set(this.categories).size !== this.categories.length;
    return twice || (this.level === 'county' && this.categories.includes('advanced_county_committee'));
  }
}

/**
 * The window opens before it closes; there is one review deadline per level from the
 * township up to the awarding level, lower levels first and never earlier than the level
 * below, the last no earlier than the window's close; the decision comes after the last review.
 */
export class TimelineIsInOrderRule extends Rule {
  readonly id = 'commendation.programme.timeline-in-order';
  readonly code = 'PROGRAMME.TIMELINE_OUT_OF_ORDER';
  readonly kind = 'invalid';
  readonly message =
    '时间安排须依次为：推荐开始、推荐截止、各级审核截止（由下而上）、表彰决定 / the timeline must run window open, window close, each level’s review deadline bottom-up, decision';
  constructor(
    private readonly level: AwardLevel,
    private readonly timeline: ProgrammeTimeline,
  ) {
    super();
  }
  isBroken(): boolean {
    const t = this.timeline;
    const levels = t.reviewDeadlines.map((d) => d.level);
    const expected = reviewLevelsUpTo(this.level);
    if (levels.join() !== expected.join()) return true;
    const due = t.reviewDeadlines.map((d) => d.dueOn);
    const ascending = due.every((d, i) => i === 0 || d >= due[i - 1]!);
    return (
      t.nominationOpensOn > t.nominationClosesOn ||
      due[0]! < t.nominationOpensOn ||
      due.at(-1)! < t.nominationClosesOn ||
      !ascending ||
      t.decisionOn <= due.at(-1)!
    );
  }
}

export class ProgrammeYearsAreDistinctRule extends Rule {
  readonly id = 'commendation.programme.years-distinct';
  readonly code = 'PROGRAMME.YEARS_REPEATED';
  readonly kind = 'invalid';
  readonly message = '表彰所涉年度不得重复 / each year of the programme is listed once';
  constructor(private readonly years: readonly number[]) {
    super();
  }
  isBroken(): boolean {
    return new Set(this.years).size !== this.years.length;
  }
}

export class EligibilityPoliciesAreKnownRule extends Rule {
  readonly id = 'commendation.programme.policies-known';
  readonly code = 'PROGRAMME.UNKNOWN_POLICY';
  readonly kind = 'invalid';
  readonly message = '未知的资格条件或版本，或同一条件列了两次 / an unknown eligibility policy or version, or one policy listed twice';
  constructor(private readonly policies: readonly RuleRef[]) {
    super();
  }
  isBroken(): boolean {
    return !this.policies.every(isKnownPolicy) || new Set(this.policies.map((p) => p.id)).size !== this.policies.length;
  }
}

/** 名额 go to the units directly below the awarding body. */
export class QuotaGoesToASubordinateUnitRule extends Rule {
  readonly id = 'commendation.programme.quota-to-subordinate-unit';
  readonly code = 'PROGRAMME.NOT_SUBORDINATE_UNIT';
  readonly kind = 'rule';
  readonly message = '名额只能分配给表彰机关的直属下级单位 / places go to the units directly below the awarding body';
  constructor(
    private readonly awardingOrgId: string | null,
    private readonly unitOrgId: string,
    private readonly unitOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    const p = this.unitOrgPath;
    return p.at(-1) !== this.unitOrgId || p.length < 2 || p[p.length - 2] !== this.awardingOrgId;
  }
}

export class CategoryIsInTheProgrammeRule extends Rule {
  readonly id = 'commendation.programme.category-in-programme';
  readonly code = 'PROGRAMME.CATEGORY_NOT_OFFERED';
  readonly kind = 'rule';
  readonly message = '该表彰不含这一类别 / the programme does not award this category';
  constructor(
    private readonly categories: readonly AwardCategory[],
    private readonly category: AwardCategory,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.categories.includes(this.category);
  }
}

/** Places are settled before nominations close, so no level is held to a quota that moved under it. */
export class QuotaIsAllocatedBeforeNominationsCloseRule extends Rule {
  readonly id = 'commendation.programme.quota-before-close';
  readonly code = 'PROGRAMME.NOMINATIONS_CLOSED';
  readonly kind = 'rule';
  readonly message = '推荐截止后不能再调整名额 / places cannot change after nominations close';
  constructor(
    private readonly timeline: ProgrammeTimeline | null,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.timeline || this.today > this.timeline.nominationClosesOn;
  }
}

export class PlacesAreACountRule extends Rule {
  readonly id = 'commendation.programme.places-count';
  readonly code = 'PROGRAMME.PLACES_INVALID';
  readonly kind: DomainErrorKind = 'invalid';
  readonly message = '名额须为 0 至 10000 的整数 / places are a whole number from 0 to 10,000';
  constructor(private readonly places: number) {
    super();
  }
  isBroken(): boolean {
    return !Number.isInteger(this.places) || this.places < 0 || this.places > 10_000;
  }
}

import { isBlankText, Rule, VersionedRuleSet } from '@vanguard/kernel';
import type { ReviewState } from './review.state';

// What the peer ballots (民主测评票) allow: how many there are, and the grade a branch concludes on them.

type Tally = { readonly excellent: number; readonly qualified: number; readonly basicallyQualified: number; readonly unqualified: number };
const ballotsIn = (t: Tally) => t.excellent + t.qualified + t.basicallyQualified + t.unqualified;

/**
 * 民主测评 is a count of ballots cast: a tally of none is no count (a probe recorded all zeros, which
 * then locked the real count out and let "qualified" be concluded on no ballot). As a pledge's rating
 * needs votes (PLEDGE.NO_VOTES).
 */
export class TallyCountsBallotsRule extends Rule {
  readonly id = 'evaluation.review.tally-has-ballots';
  readonly code = 'REVIEW.NO_BALLOTS';
  readonly kind = 'rule';
  readonly message = '民主测评票数不能为零 / a tally of the peer ballots needs at least one ballot';
  constructor(private readonly tally: Tally) {
    super();
  }
  isBroken(): boolean {
    return ballotsIn(this.tally) === 0;
  }
}

/** Peer ballots are cast by the branch's members: no more ballots than its active members per the roster. */
export class BallotsDoNotOutnumberTheBranchRule extends Rule {
  readonly id = 'evaluation.review.ballots-within-branch';
  readonly code = 'REVIEW.TOO_MANY_BALLOTS';
  readonly kind = 'rule';
  readonly message = '测评票总数不能超过支部现有党员人数 / the ballots cannot outnumber the branch’s active members';
  constructor(
    private readonly tally: Tally,
    private readonly activeMembers: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return ballotsIn(this.tally) > this.activeMembers;
  }
}

/**
 * The ballots on each of the five models (五个模范) come from the same peer ballots as the grades:
 * for no model can more ballots be counted than were cast (a ballot may leave a model blank).
 */
export class CriteriaWithinTheBallotsRule extends Rule {
  readonly id = 'evaluation.review.criteria-within-ballots';
  readonly code = 'REVIEW.CRITERIA_EXCEED_BALLOTS';
  readonly kind = 'rule';
  readonly message = '五个模范各项的测评票数不能超过投票总数 / no model can be judged on more ballots than were cast';
  constructor(
    private readonly tally: Tally,
    private readonly criteria: Readonly<Record<string, { met: number; partlyMet: number; notMet: number }>>,
  ) {
    super();
  }
  isBroken(): boolean {
    const cast = ballotsIn(this.tally);
    return Object.values(this.criteria).some((c) => c.met + c.partlyMet + c.notMet > cast);
  }
}

/**
 * Version 1 of what ballots allow: "excellent" needs more than half the ballots to say so;
 * "basically qualified" and "unqualified" need a written reason (不合格 has consequences). A reason
 * of spaces is none. Kept for the conclusions that recorded it.
 */
export class GradeIsBorneOutByTheBallotsRuleV1 extends Rule {
  readonly id = 'evaluation.review.grade-borne-out';
  readonly code = 'REVIEW.GRADE_NOT_BORNE_OUT';
  readonly kind = 'rule';
  readonly message =
    '评为优秀须过半数测评票同意；基本合格、不合格须写明理由 / excellent needs a majority of ballots; lower grades need reasons';
  constructor(
    private readonly state: ReviewState,
    private readonly grade: string,
    private readonly reason: string,
  ) {
    super();
  }
  isBroken(): boolean {
    const total = ballotsIn(this.state.tally!);
    if (this.grade === 'excellent') return 2 * this.state.tally!.excellent <= total;
    if (this.grade === 'basically_qualified' || this.grade === 'unqualified') return this.reason.trim().length === 0;
    return false;
  }
}

/**
 * Version 2, after a probe: "unqualified" with the reason "\u200b\u3000\u2800" passed version 1,
 * and "qualified" was concluded on a tally of no ballots. As version 1, and a reason a reader sees
 * as nothing (`isBlankText`: zero-width, Braille and Hangul blanks, spaces of any kind) is none, and
 * no grade is borne out by no ballots.
 */
export class GradeIsBorneOutByTheBallotsRule extends Rule {
  readonly id = 'evaluation.review.grade-borne-out';
  override readonly version = 2;
  readonly code = 'REVIEW.GRADE_NOT_BORNE_OUT';
  readonly kind = 'rule';
  readonly message =
    '评定须有测评票；评为优秀须过半数测评票同意；基本合格、不合格须写明理由（不能只有空白或不可见字符）/ a grade needs ballots: excellent a majority of them; lower grades need reasons, not blank or invisible characters';
  constructor(
    private readonly state: ReviewState,
    private readonly grade: string,
    private readonly reason: string,
  ) {
    super();
  }
  isBroken(): boolean {
    const total = ballotsIn(this.state.tally!);
    if (total === 0) return true;
    if (this.grade === 'excellent') return 2 * this.state.tally!.excellent <= total;
    if (this.grade === 'basically_qualified' || this.grade === 'unqualified') return isBlankText(this.reason);
    return false;
  }
}

/** Both versions of what ballots allow: a conclusion records the one it ran as its `rule`, and replays with it. */
export const GRADE_BORNE_OUT = new VersionedRuleSet<[ReviewState, string, string]>('evaluation.review.grade-borne-out', {
  1: GradeIsBorneOutByTheBallotsRuleV1,
  2: GradeIsBorneOutByTheBallotsRule,
});

import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { CandidateStanding } from './pioneer.commands';
import { sameCandidate, type PioneerState } from './pioneer.state';

type Candidate = PioneerState['nominated'][number];

export class PioneersAreNominatedInAnOpenCycleRule extends Rule {
  readonly id = 'evaluation.pioneer.open-cycle';
  readonly code = 'PIONEER.CYCLE_NOT_OPEN';
  readonly kind = 'rule';
  readonly message = '本季度活动未开放 / the cycle is not open';
  constructor(private readonly open: boolean) {
    super();
  }
  isBroken(): boolean {
    return !this.open;
  }
}

/**
 * A pioneer comes from the nominating organisation's own ranks: a member active in the roster
 * in it or an organisation below it, or an organisation of its subtree. Unknown, departed and
 * elsewhere answer alike, so nominations cannot probe the roster.
 */
export class NomineeBelongsToTheSubtreeRule extends Rule {
  readonly id = 'evaluation.pioneer.nominee-in-subtree';
  readonly code = 'PIONEER.NOMINEE_NOT_IN_SUBTREE';
  readonly kind = 'rule';
  readonly message =
    '被推荐人须是本组织（含下级）在册的党员或组织 / the nominee must be an active member or an organisation of the nominating subtree';
  constructor(
    private readonly orgId: string,
    private readonly standing: CandidateStanding,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.standing.known || !this.standing.active || !this.standing.orgPath.includes(this.orgId);
  }
}

export class CandidateIsNominatedOnceRule extends Rule {
  readonly id = 'evaluation.pioneer.nominated-once';
  readonly code = 'PIONEER.ALREADY_NOMINATED';
  readonly kind = 'conflict';
  readonly message = '该候选人本季度已被推荐 / the candidate is nominated already this quarter';
  constructor(
    private readonly state: PioneerState,
    private readonly candidate: Candidate,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.nominated.some((c) => sameCandidate(c, this.candidate));
  }
}

export class OnlyANomineeIsSelectedOnceRule extends Rule {
  readonly id = 'evaluation.pioneer.select-nominee';
  readonly code = 'PIONEER.NOT_A_NOMINEE';
  readonly kind = 'conflict';
  readonly message = '只能从本季度被推荐的候选人中评选，且只评一次 / only a nominee is selected, once';
  constructor(
    private readonly state: PioneerState,
    private readonly candidate: Candidate,
  ) {
    super();
  }
  isBroken(): boolean {
    return (
      !this.state.nominated.some((c) => sameCandidate(c, this.candidate)) ||
      this.state.selected.some((c) => sameCandidate(c, this.candidate))
    );
  }
}

/** 充分发扬民主: a pioneer is carried by more than half of the votes cast, by the organisation's own leaders or those above. */
export class PioneerIsCarriedByAMajorityRule extends Rule {
  readonly id = 'evaluation.pioneer.majority';
  readonly code = 'PIONEER.NO_MAJORITY';
  readonly kind = 'rule';
  readonly message = '先锋须获得过半数票 / a pioneer needs more than half of the votes cast';
  constructor(
    private readonly votesFor: number,
    private readonly votesCast: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.votesFor > this.votesCast || 2 * this.votesFor <= this.votesCast;
  }
}

export class PioneerIsSelectedByItsOrganisationRule extends Rule {
  readonly id = 'evaluation.pioneer.selected-by-organisation';
  readonly code = 'PIONEER.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message = '先锋由本组织或上级组织评选 / the organisation or a level above selects its pioneers';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.orgPath.includes(this.decidedBy.orgId);
  }
}

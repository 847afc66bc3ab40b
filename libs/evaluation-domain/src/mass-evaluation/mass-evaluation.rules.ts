import type { RatingTally } from '@vanguard/contracts';
import { Rule, type DomainErrorKind } from '@vanguard/kernel';
import type { MassEvaluationState, WindowStatus } from './mass-evaluation.state';

abstract class WindowStatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly allowed: WindowStatus;
  constructor(private readonly status: WindowStatus) {
    super();
  }
  isBroken(): boolean {
    return this.status !== this.allowed;
  }
}

export class WindowIsOpenedOnceRule extends WindowStatusRule {
  readonly id = 'evaluation.mass-evaluation.opened-once';
  readonly code = 'MASS_EVALUATION.EXISTS';
  readonly message = '该评议已开启 / this evaluation window exists already';
  protected readonly allowed = 'none';
}

export class WindowIsOpenRule extends WindowStatusRule {
  readonly id = 'evaluation.mass-evaluation.open';
  readonly code = 'MASS_EVALUATION.NOT_OPEN';
  readonly message = '评议未开启或已结束 / the evaluation window is not open';
  protected readonly allowed = 'open';
}

/** Anything the box did to a window's codes happened to a window opened on the record, whatever its status since. */
export class WindowWasOpenedRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.was-opened';
  readonly code = 'MASS_EVALUATION.NOT_FOUND';
  readonly kind = 'not_found';
  readonly message = '该评议不存在 / no such evaluation window';
  constructor(private readonly status: WindowStatus) {
    super();
  }
  isBroken(): boolean {
    return this.status === 'none';
  }
}

/**
 * A window's result is published once. Told apart before the closed-window rule (which still refuses
 * it, as it always did), so a second publication answers "already published", not "not closed"; not
 * recorded, as it changes only the answer, never what is decided.
 */
export class ResultIsPublishedOnceRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.published-once';
  readonly code = 'MASS_EVALUATION.ALREADY_PUBLISHED';
  readonly kind = 'conflict';
  readonly message = '评议结果已公布 / the result is published already';
  constructor(private readonly status: WindowStatus) {
    super();
  }
  isBroken(): boolean {
    return this.status === 'published';
  }
}

export class OnlyAClosedWindowIsPublishedRule extends WindowStatusRule {
  readonly id = 'evaluation.mass-evaluation.publish-closed';
  readonly code = 'MASS_EVALUATION.NOT_CLOSED';
  readonly message = '评议结束后方可公布结果 / results are published after the window closes';
  protected readonly allowed = 'closed';
}

export class WindowDatesAreSoundRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.dates';
  readonly code = 'MASS_EVALUATION.DATES';
  readonly kind = 'invalid';
  readonly message = '评议须今天或之后开始，结束不早于开始 / the window opens today or later and closes on or after it opens';
  constructor(
    private readonly opensOn: string,
    private readonly closesOn: string,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.opensOn < this.today || this.closesOn < this.opensOn;
  }
}

/** Each eligible voter holds one code, so the box can never hold more ballots than voters. */
export class NoMoreBallotsThanVotersRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.ballots-within-voters';
  readonly code = 'MASS_EVALUATION.TOO_MANY_BALLOTS';
  readonly kind = 'rule';
  readonly message = '票数超过有投票资格的人数 / more ballots than eligible voters';
  constructor(
    private readonly state: MassEvaluationState,
    private readonly tally: RatingTally,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.tally.satisfied + this.tally.basicallySatisfied + this.tally.dissatisfied > this.state.eligibleVoters;
  }
}

/**
 * The evaluated organisation never runs its own ballot box: whoever opens a window on an organisation
 * or issues its codes belongs to an organisation strictly above the one evaluated (its path holds the actor's
 * organisation, and is not it). Otherwise a branch could open, issue, cast, close and publish its
 * own satisfaction rate.
 */
export class BallotBoxRunFromAboveRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.run-from-above';
  override readonly version = 1;
  readonly code = 'MASS_EVALUATION.RUN_FROM_ABOVE';
  readonly kind = 'rule';
  readonly message =
    '群众评议须由上级党组织组织，被评议组织不能自行开启或发放投票码 / a window is run from above the organisation evaluated, never by it';
  constructor(
    private readonly actorOrgId: string | undefined,
    private readonly subjectOrgId: string,
    private readonly subjectOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.actorOrgId || this.actorOrgId === this.subjectOrgId || !this.subjectOrgPath.includes(this.actorOrgId);
  }
}

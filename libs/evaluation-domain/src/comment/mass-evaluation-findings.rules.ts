import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { BallotBoxRunFromAboveRule } from '../mass-evaluation/mass-evaluation.rules';
import type { WindowRead } from './comment.commands';
import { LEADER_ROLES } from './comment.rules';

/**
 * The problems the masses raised are known only once the box is counted and its comments can be
 * read (ADR 0027: comments are read after close), so they are recorded after the window closes.
 */
export class ProblemsAreRecordedAfterTheWindowClosesRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.problems-after-close';
  readonly code = 'MASS_EVALUATION.STILL_OPEN';
  readonly kind = 'conflict';
  readonly message = '评议结束后方可记录群众提出的问题 / problems raised are recorded after the window closes';
  constructor(private readonly window: WindowRead) {
    super();
  }
  isBroken(): boolean {
    return this.window.status !== 'closed' && this.window.status !== 'published';
  }
}

/**
 * 谁组织、谁整改督办: the problems are recorded by a leader of the organisation that ran the window —
 * for an organisation's window, strictly above it (the same run-from-above rule that opened the window,
 * so the organisation rated never writes its own findings); for a member's window, the member's
 * branch or above. The organisation rectifies; a level above it confirms (the comment rules).
 */
export class ProblemsAreRecordedByTheOrganiserRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.problems-by-organiser';
  readonly code = 'MASS_EVALUATION.NOT_ORGANISER';
  readonly kind = 'rule';
  readonly message =
    '群众评议提出的问题须由组织评议的上级党组织负责人记录 / the problems are recorded by a leader of the organisation that ran the window';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly window: WindowRead,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    if (!LEADER_ROLES.includes(this.decidedBy.role)) return true;
    if (this.window.subject.kind === 'organization') {
      return new BallotBoxRunFromAboveRule(this.decidedBy.orgId, this.window.orgId, this.orgPath).isBroken();
    }
    return !this.orgPath.includes(this.decidedBy.orgId);
  }
}

/** A record of problems raised lists at least one; "no problems" is recorded by recording nothing. */
export class ProblemsAreListedRule extends Rule {
  readonly id = 'evaluation.mass-evaluation.problems-listed';
  readonly code = 'MASS_EVALUATION.NO_PROBLEMS';
  readonly kind = 'invalid';
  readonly message = '至少记录一个问题 / list at least one problem';
  constructor(private readonly findings: readonly unknown[]) {
    super();
  }
  isBroken(): boolean {
    return this.findings.length === 0;
  }
}

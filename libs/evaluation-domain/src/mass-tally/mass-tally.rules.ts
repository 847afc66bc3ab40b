import { CountIsNotOlderRule } from '../count-not-older.rule';
import { Rule } from '@vanguard/kernel';

/**
 * A later count replaces the recorded one; an older one never does (a county resending last
 * year's sheet must not overwrite this year's). A count held on the same day is a correction
 * and replaces it.
 */
export class TallyIsNotOlderThanTheRecordedOneRule extends CountIsNotOlderRule {
  readonly id = 'evaluation.mass-tally.not-older';
  readonly code = 'MASS_TALLY.OLDER_THAN_RECORDED';
  readonly message = '该测评早于已记录的测评，不能替换 / this count was held before the one recorded and cannot replace it';
}

/** A member is evaluated in their own branch: the roster must hold them active in the organisation named. */
export class MemberIsEvaluatedInTheirBranchRule extends Rule {
  readonly id = 'evaluation.mass-tally.member-in-branch';
  readonly code = 'MASS_TALLY.MEMBER_NOT_IN_BRANCH';
  readonly kind = 'rule';
  readonly message = '被测评党员不在所报组织的在册党员中 / the member evaluated is not an active member of the organisation named';
  constructor(private readonly memberInOrg: boolean | null) {
    super();
  }
  isBroken(): boolean {
    return this.memberInOrg === false;
  }
}

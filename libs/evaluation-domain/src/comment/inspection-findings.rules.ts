import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { InspectionRead } from './comment.commands';

/** 检查组发现的问题由检查组成员记录: the recorder is a member of the inspection's group. */
export class InspectionFindingsAreRecordedByTheGroupRule extends Rule {
  readonly id = 'evaluation.inspection.findings-by-group';
  readonly code = 'INSPECTION.NOT_GROUP_MEMBER';
  readonly kind = 'forbidden';
  readonly message = '检查发现的问题须由检查组成员记录 / a member of the inspection group records what it found';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly inspection: InspectionRead,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.inspection.members.includes(this.decidedBy.sub);
  }
}

/** Findings are recorded at a unit the inspection checks, not anywhere in the scope. */
export class InspectionFindingsAreAtAnInspectedUnitRule extends Rule {
  readonly id = 'evaluation.inspection.findings-at-inspected-unit';
  readonly code = 'INSPECTION.UNIT_NOT_INSPECTED';
  readonly kind = 'rule';
  readonly message = '只能记录被检查单位的问题 / findings are recorded at a unit this inspection checks';
  constructor(
    private readonly inspection: InspectionRead,
    private readonly orgId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.inspection.units.includes(this.orgId);
  }
}

import { MAX_DRAW_CANDIDATES } from '@vanguard/contracts';
import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { LEADER_ROLES } from '../comment/comment.rules';
import { idsOf, type OrgPath } from '../org-path';
import type { InspectionState } from './inspection.state';

export class InspectionIsLaunchedOnceRule extends Rule {
  readonly id = 'evaluation.inspection.launched-once';
  readonly code = 'INSPECTION.ALREADY_LAUNCHED';
  readonly kind = 'conflict';
  readonly message = '该督导检查已启动 / this inspection is launched already';
  constructor(private readonly state: InspectionState) {
    super();
  }
  isBroken(): boolean {
    return this.state.launched;
  }
}

/**
 * 上级组织派出检查组: a leader of the scope's organisation or of one above it launches the
 * inspection, so no unit ever sends a group to check itself from below.
 */
export class InspectionIsLaunchedByALeaderOverTheScopeRule extends Rule {
  readonly id = 'evaluation.inspection.launched-by-leader-over-scope';
  readonly code = 'INSPECTION.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message = '只有检查范围所在组织或其上级的负责人可以派出检查组 / only a leader of the scope or above launches an inspection';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly scopePath: OrgPath,
  ) {
    super();
  }
  isBroken(): boolean {
    return !LEADER_ROLES.includes(this.decidedBy.role) || !idsOf(this.scopePath).includes(this.decidedBy.orgId);
  }
}

/** A group is led by one of its members, and no one is listed twice. */
export class InspectionGroupIsLedByAMemberRule extends Rule {
  readonly id = 'evaluation.inspection.group-led-by-member';
  readonly code = 'INSPECTION.BAD_GROUP';
  readonly kind = 'invalid';
  readonly message = '检查组组长须为组员且组员不得重复 / the leader is one of the members, each listed once';
  constructor(private readonly group: { readonly leader: string; readonly members: readonly string[] }) {
    super();
  }
  isBroken(): boolean {
    return !this.group.members.includes(this.group.leader) || new Set(this.group.members).size !== this.group.members.length;
  }
}

/** 专项检查: every unit named lies strictly below the group's scope root or is it, and each is named once. */
export class InspectedUnitsAreInTheScopeRule extends Rule {
  readonly id = 'evaluation.inspection.units-in-scope';
  readonly code = 'INSPECTION.UNIT_OUT_OF_SCOPE';
  readonly kind = 'rule';
  readonly message = '被检查单位须在检查组的检查范围内且不得重复 / every unit inspected lies in the group’s scope, once';
  constructor(
    private readonly scopeOrgId: string,
    private readonly unitPaths: readonly OrgPath[],
  ) {
    super();
  }
  isBroken(): boolean {
    const units = this.unitPaths.map((p) => p[p.length - 1]?.orgId);
    return (
      this.unitPaths.length === 0 || this.unitPaths.some((p) => !idsOf(p).includes(this.scopeOrgId)) || new Set(units).size !== units.length
    );
  }
}

/**
 * 随机抽查 within a scope of at most {@link MAX_DRAW_CANDIDATES} units, all of which its event
 * records: the candidates were read up to that many and the rest silently left out, so units
 * whose ids sorted last could never be drawn while the recorded draw looked whole (ADR 0038).
 */
export class RandomDrawScopeIsWithinItsLimitRule extends Rule {
  readonly id = 'evaluation.inspection.draw-scope-within-limit';
  readonly code = 'INSPECTION.SCOPE_TOO_LARGE';
  readonly kind = 'rule';
  readonly message = `抽查范围内的单位超过 ${MAX_DRAW_CANDIDATES} 个，请按下级范围分别抽查 / a random draw's scope holds more than ${MAX_DRAW_CANDIDATES} units: draw within each part of it`;
  constructor(private readonly candidates: number) {
    super();
  }
  isBroken(): boolean {
    return this.candidates > MAX_DRAW_CANDIDATES;
  }
}

/** 随机抽查: there is something to draw from, and no more units are asked for than there are. */
export class RandomDrawHasEnoughCandidatesRule extends Rule {
  readonly id = 'evaluation.inspection.draw-enough-candidates';
  readonly code = 'INSPECTION.TOO_FEW_CANDIDATES';
  readonly kind = 'rule';
  readonly message = '抽查数量不得超过范围内的单位数 / a random inspection draws at most as many units as the scope holds';
  constructor(
    private readonly candidates: number,
    private readonly count: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.count < 1 || this.candidates < this.count;
  }
}

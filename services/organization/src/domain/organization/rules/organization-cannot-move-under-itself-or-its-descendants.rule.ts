import type { BusinessRule } from '../../shared/business-rule';

/** Moving under yourself or anything below you would make the tree a cycle. */
export class OrganizationCannotMoveUnderItselfOrItsDescendantsRule implements BusinessRule {
  readonly code = 'ORGANIZATION.MOVE_CYCLE';
  readonly kind = 'conflict' as const;
  readonly message = '不能移动到自身或其下级组织之下 / an organisation cannot move under itself or one of its descendants';
  constructor(
    private readonly organizationId: string,
    private readonly newParentAncestry: readonly string[],
  ) {}
  isBroken(): boolean {
    return this.newParentAncestry.includes(this.organizationId);
  }
}

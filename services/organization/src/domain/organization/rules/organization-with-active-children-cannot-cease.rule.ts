import type { BusinessRule } from '../../shared/business-rule';

/** Dissolving or merging away an organisation would orphan the organisations below it. */
export class OrganizationWithActiveChildrenCannotCeaseRule implements BusinessRule {
  readonly code = 'ORGANIZATION.HAS_CHILDREN';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly activeChildren: number) {
    this.message = `该组织仍有 ${activeChildren} 个下级组织，须先移走 / the organisation still has ${activeChildren} active child organisations; move them first`;
  }
  isBroken(): boolean {
    return this.activeChildren > 0;
  }
}

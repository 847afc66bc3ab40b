import type { BusinessRule } from '../../shared/business-rule';

export class OrganizationWithMembersCannotBeDissolvedRule implements BusinessRule {
  readonly code = 'ORGANIZATION.HAS_MEMBERS';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly activeMembers: number) {
    this.message = `该组织仍有 ${activeMembers} 名党员，须先转出 / the organisation still has ${activeMembers} members; transfer them first`;
  }
  isBroken(): boolean {
    return this.activeMembers > 0;
  }
}

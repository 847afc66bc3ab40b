import type { BusinessRule } from '../../shared/business-rule';
import type { OrgStatus } from '../organization.vocabulary';

export class OrganizationMustBeActiveRule implements BusinessRule {
  readonly code = 'ORGANIZATION.NOT_ACTIVE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly status: OrgStatus,
    what: string,
  ) {
    this.message = `党组织已${status === 'merged' ? '合并' : '撤销'}，不能${what} / organisation is ${status}: cannot ${what}`;
  }
  isBroken(): boolean {
    return this.status !== 'active';
  }
}

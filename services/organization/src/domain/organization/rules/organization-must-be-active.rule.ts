import type { BusinessRule } from '../../shared/business-rule';
import type { OrgStatus } from '../organization.vocabulary';

export class OrganizationMustBeActiveRule implements BusinessRule {
  readonly code = 'ORGANIZATION.NOT_ACTIVE';
  readonly kind = 'rule' as const;
  readonly message: string;
  /** `what`: the act refused, `中文 / English` (each half goes to its own side of the message). */
  constructor(
    private readonly status: OrgStatus,
    what: string,
  ) {
    const [zh, en = zh] = what.split(' / ');
    this.message = `党组织已${status === 'merged' ? '合并' : '撤销'}，不能${zh} / organisation is ${status}: cannot ${en}`;
  }
  isBroken(): boolean {
    return this.status !== 'active';
  }
}

import type { BusinessRule } from '../../shared/business-rule';

export class OrganizationCannotMergeIntoItselfRule implements BusinessRule {
  readonly code = 'ORGANIZATION.MERGE_INTO_SELF';
  readonly kind = 'rule' as const;
  readonly message = '不能与自身合并 / an organisation cannot merge into itself';
  constructor(
    private readonly id: string,
    private readonly survivorId: string,
  ) {}
  isBroken(): boolean {
    return this.id === this.survivorId;
  }
}

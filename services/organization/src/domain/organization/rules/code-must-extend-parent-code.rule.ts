import type { BusinessRule } from '../../shared/business-rule';
import type { OrgCode } from '../org-code.value-object';

export class CodeMustExtendParentCodeRule implements BusinessRule {
  readonly code = 'ORGANIZATION.CODE_NOT_UNDER_PARENT';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly parentCode: OrgCode | null,
    private readonly childCode: OrgCode,
  ) {
    this.message = `组织代码须以上级代码 ${parentCode?.value ?? ''} 开头且更长 / code ${childCode.value} must extend the parent's code ${parentCode?.value ?? ''}`;
  }
  isBroken(): boolean {
    return this.parentCode !== null && !this.childCode.extends(this.parentCode);
  }
}

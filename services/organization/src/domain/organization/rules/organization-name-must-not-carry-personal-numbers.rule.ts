import { personalNumbersShownIn } from '@vanguard/contracts';
import type { BusinessRule } from '../../shared/business-rule';

/**
 * An organisation's name is public: every service learns it from the tree's events, and
 * assistance shows a village's on a page read without a token. So it may not carry an ID-card or
 * phone number (a contact person's number belongs in no name). The platform's one reading of
 * what a public page shows (`personalNumbersShownIn`): spaced, dotted or spelled-out numbers too.
 * Registration, rename and the organisation import all ask this rule.
 */
export class OrganizationNameMustNotCarryPersonalNumbersRule implements BusinessRule {
  readonly code = 'ORGANIZATION.NAME_HAS_PERSONAL_NUMBER';
  readonly kind = 'invalid' as const;
  readonly field = 'name';
  readonly message =
    '组织名称将公开，不得包含身份证号或电话号码 / the name is published and must not contain an ID-card number or a phone number';
  constructor(private readonly name: string) {}
  isBroken(): boolean {
    return personalNumbersShownIn(this.name).length > 0;
  }
}

import type { BusinessRule } from '../../shared/business-rule';
import { OrgCode } from '../org-code.value-object';

/**
 * A move rewrites every descendant's code to start with the new code. A longer code for the moved
 * organisation lengthens all of them, and a descendant past 30 digits could not be listed (its
 * cursor is refused), take children or be re-imported from an export. The longest descendant
 * decides, read under the move's lock on the subtree.
 */
export class DescendantCodesMustStayWithinTheCodeLimitRule implements BusinessRule {
  readonly code = 'ORGANIZATION.DESCENDANT_CODE_TOO_LONG';
  readonly kind = 'rule' as const;
  readonly message: string;
  private readonly resultingLength: number;

  constructor(previousCode: OrgCode, newCode: OrgCode, longestDescendant: string | null) {
    // Every descendant's code starts with the previous code; the move swaps that prefix.
    const below = longestDescendant === null ? null : longestDescendant.slice(previousCode.value.length);
    const resulting = below === null ? null : newCode.value + below;
    this.resultingLength = resulting?.length ?? 0;
    this.message =
      `移动后下级组织代码 ${longestDescendant ?? ''} 将变为 ${resulting ?? ''}（${this.resultingLength} 位），超过 ${OrgCode.MAX_DIGITS} 位上限；请选用更短的代码 / ` +
      `after the move the descendant code ${longestDescendant ?? ''} would become ${resulting ?? ''} (${this.resultingLength} digits), ` +
      `more than the ${OrgCode.MAX_DIGITS}-digit limit; choose a shorter code`;
  }

  isBroken(): boolean {
    return this.resultingLength > OrgCode.MAX_DIGITS;
  }
}

import type { BusinessRule } from '../../shared/business-rule';

/**
 * An organisation's name is shown on pages read without a token (a commendation's public notice,
 * the honour roll, a village's disclosure), so it holds no markup: the platform's plain-text rule
 * (no `<` or `>`, libs/http `IsPlainText`) asked where every write path of a name passes.
 */
export class OrganizationNameMustBePlainTextRule implements BusinessRule {
  readonly code = 'ORGANIZATION.NAME_NOT_PLAIN_TEXT';
  readonly kind = 'invalid' as const;
  readonly field = 'name';
  readonly message = '组织名称将公开，不得包含 < 或 > / the name is published and must be plain text without < or >';
  constructor(private readonly name: string) {}
  isBroken(): boolean {
    return /[<>]/.test(this.name);
  }
}

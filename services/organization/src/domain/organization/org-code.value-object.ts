import { DomainError } from '../shared/domain-error';

/** Hierarchical organisation code: `91` → `9104` → `910425` → …; digits only, a child extends its parent's code. */
export class OrgCode {
  /** The longest code the platform stores, lists by and re-imports (a cursor, a child's code, an export). */
  static readonly MAX_DIGITS = 30;

  private constructor(readonly value: string) {}

  static of(value: string): OrgCode {
    if (!/^[0-9]{2,30}$/.test(value)) {
      throw new DomainError('ORGANIZATION.CODE_INVALID', 'rule', `组织代码须为 2–30 位数字 / code must be 2–30 digits: ${value}`);
    }
    return new OrgCode(value);
  }

  extends(parent: OrgCode): boolean {
    return this.value.length > parent.value.length && this.value.startsWith(parent.value);
  }

  /** The part of the code below its parent's, kept when the organisation moves. */
  suffixBelow(parent: OrgCode): string {
    return this.value.slice(parent.value.length);
  }

  equals(other: OrgCode): boolean {
    return this.value === other.value;
  }
}

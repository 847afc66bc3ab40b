import { personalNumbersPublishedIn } from '@vanguard/contracts';
import type { BusinessRule } from './business-rule';

/**
 * A reason published in clear — a transfer's rejection (MemberTransferRejected), a member's leaving
 * (MemberLeft), an organisation's dissolution (OrganizationDissolved), each on a topic every service
 * reads — identifies no one by number, however written (`personalNumbersPublishedIn`). One rule for
 * the three: a cold review found only the rejection checked.
 */
export class PublishedReasonMustNotCarryPersonalNumbersRule implements BusinessRule {
  readonly kind = 'invalid' as const;
  readonly message: string =
    '理由公开发布，不得包含身份证号或电话号码 / the reason is published in clear: no ID-card or phone number in it';
  constructor(
    readonly code: string,
    private readonly reason: string | undefined,
  ) {}
  isBroken(): boolean {
    return this.reason !== undefined && personalNumbersPublishedIn(this.reason).length > 0;
  }
}

/** The HTTP side of the same check, for a DTO's `@ValidateBy`: 400 naming the field before the domain is reached. */
export const PUBLISHED_REASON_VALIDATOR = {
  name: 'noPersonalNumbers',
  validator: {
    validate: (v: unknown) => typeof v !== 'string' || personalNumbersPublishedIn(v).length === 0,
    defaultMessage: () => 'reason must not contain an ID-card number or a phone number (it is published in clear)',
  },
};

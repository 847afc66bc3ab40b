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
  readonly message: string;
  /** `what`: the text's name, `中文 / English` (a reason unless said otherwise). */
  constructor(
    readonly code: string,
    private readonly reason: string | undefined,
    what = '理由 / the reason',
  ) {
    const [zh, en = zh] = what.split(' / ');
    this.message = `${zh}公开发布，不得包含身份证号或电话号码 / ${en} is published in clear: no ID-card or phone number in it`;
  }
  isBroken(): boolean {
    return this.reason !== undefined && personalNumbersPublishedIn(this.reason).length > 0;
  }
}

/**
 * Names and notes published in clear likewise: a member's name (MemberJoined), a contact point's
 * leader (ContactPointEstablished) and what a visit found and solved (VisitLogged) carried
 * "测 110101199003071234" and "电话13812345678" to every reader of the topic (a hostile probe).
 */
export const publishedTextCarriesNoPersonalNumbers = (
  code: string,
  text: string,
  what: string,
): PublishedReasonMustNotCarryPersonalNumbersRule => new PublishedReasonMustNotCarryPersonalNumbersRule(code, text, what);

/** The HTTP side of the same check, for a DTO's `@ValidateBy`: 400 naming the field before the domain is reached. */
export const noPersonalNumbersIn = (field: string) => ({
  name: 'noPersonalNumbers',
  validator: {
    validate: (v: unknown) => typeof v !== 'string' || personalNumbersPublishedIn(v).length === 0,
    defaultMessage: () => `${field} must not contain an ID-card number or a phone number (it is published in clear)`,
  },
});

export const PUBLISHED_REASON_VALIDATOR = noPersonalNumbersIn('reason');
